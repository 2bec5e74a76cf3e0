package identity

import "testing"

func TestValidUSCC(t *testing.T) {
	tests := []struct {
		code string
		ok   bool
	}{
		{"91350100M000100Y43", true}, // the example of GB 32100-2015
		{"91350100M000100Y44", false},
		{"91350100M000100Y4", false},
		{"91350100M000100Y433", false},
		{"91350100I000100Y43", false}, // I is not in the alphabet
		{"91350100m000100Y43", false}, // lower case
		{"", false},
	}
	for _, tt := range tests {
		err := ValidUSCC(tt.code)
		if (err == nil) != tt.ok {
			t.Errorf("ValidUSCC(%q) = %v, want ok=%v", tt.code, err, tt.ok)
		}
	}
}

func TestUSCCCheckMakesValidCodes(t *testing.T) {
	for _, first := range []string{"91340100MA2N00003", "11341321MB1234567", "00000000000000000", "YYYYYYYYYYYYYYYYY"} {
		c, err := USCCCheck(first)
		if err != nil {
			t.Fatalf("USCCCheck(%q): %v", first, err)
		}
		if err := ValidUSCC(first + string(c)); err != nil {
			t.Errorf("ValidUSCC(%q) = %v after USCCCheck", first+string(c), err)
		}
	}
	if _, err := USCCCheck("short"); err == nil {
		t.Error("USCCCheck(short) succeeded")
	}
}
