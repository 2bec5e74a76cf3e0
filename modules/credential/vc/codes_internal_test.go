package vc

import (
	"strings"
	"testing"
)

// TestCheckIDNumber: the check character of a resident identity card
// number (GB 11643-1999), right and wrong, and numbers that are no such
// number.
func TestCheckIDNumber(t *testing.T) {
	for _, ok := range []string{"340321199001011236", "340321198805060012", "11010519491231002X"} {
		if err := checkIDNumber(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for bad, want := range map[string]string{
		"340321199001011234": "check character is '4', want '6'",
		"11010519491231002x": "want 'X'",
		"3403211990010112":   "16 characters",
		"34032119900101A236": "not a digit",
	} {
		if err := checkIDNumber(bad); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", bad, err, want)
		}
	}
}
