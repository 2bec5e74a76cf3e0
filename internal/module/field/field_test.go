package field_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module/field"
)

func TestText(t *testing.T) {
	for _, tc := range []struct {
		s        string
		min, max int
		opts     []field.Option
		want     string // "" when accepted
	}{
		{"", 0, 10, nil, ""},
		{"", 1, 10, nil, "f is required"},
		{"梨", 1, 1, nil, ""},
		{"梨梨", 1, 1, nil, "f must have 1 to 1 characters, it has 2"},
		{"   ", 1, 10, nil, "f must not be blank"},
		{"   ", 0, 10, nil, ""},
		{"a\nb", 0, 10, nil, "f must not contain control characters (found U+000A)"},
		{"a\nb\tc\r", 0, 10, []field.Option{field.Multiline}, ""},
		{"a\x00b", 0, 10, []field.Option{field.Multiline}, "f must not contain control characters (found U+0000)"},
		{"invoice\u202Efdp.exe", 0, 20, nil, "f must not contain text-direction override characters (found U+202E)"},
		{"\xff", 0, 10, nil, "f is not valid UTF-8"},
		{"\xff\xff\xff", 0, 1, nil, "f is not valid UTF-8"},
	} {
		err := field.Text("f", tc.s, tc.min, tc.max, tc.opts...)
		if got := message(t, err); got != tc.want {
			t.Errorf("Text(%q, %d, %d, %v) = %q, want %q", tc.s, tc.min, tc.max, tc.opts, got, tc.want)
		}
	}
	if got := message(t, field.Plain("f", "x\u2066y")); got != "f must not contain text-direction override characters (found U+2066)" {
		t.Errorf("Plain: %q", got)
	}
	if err := field.Plain("f", "a\tb", field.Multiline); err != nil {
		t.Errorf("Plain multiline: %v", err)
	}
}

func TestDigests(t *testing.T) {
	ok := strings.Repeat("0a", 32)
	for _, tc := range []struct {
		s, hex64, sha256 string
	}{
		{ok, "", ""},
		{"", "h is required: 64 lowercase hex digits (a 256-bit digest)", "h is required: 64 lowercase hex digits (a SHA-256 digest)"},
		{strings.ToUpper(ok), "h must be written in lowercase hex", "h must be written in lowercase hex"},
		{"abc", "h must be 64 hex digits (a 256-bit digest), got 3 characters", "h must be 64 hex digits (a SHA-256 digest), got 3 characters"},
		{strings.Repeat("g", 64), "h must be 64 hex digits (0-9, a-f) and has other characters", "h must be 64 hex digits (0-9, a-f) and has other characters"},
	} {
		if got := message(t, field.Hex64("h", tc.s)); got != tc.hex64 {
			t.Errorf("Hex64(%q) = %q, want %q", tc.s, got, tc.hex64)
		}
		if got := message(t, field.SHA256("h", tc.s)); got != tc.sha256 {
			t.Errorf("SHA256(%q) = %q, want %q", tc.s, got, tc.sha256)
		}
	}
}

func TestDateAndTime(t *testing.T) {
	for s, want := range map[string]string{
		"2026-02-28": "",
		"2028-02-29": "",
		"":           "d is required: a date written YYYY-MM-DD",
		"2026-2-28":  `d must be a date written YYYY-MM-DD, got "2026-2-28"`,
		"2026-02-30": `d "2026-02-30" is not a calendar date`,
		"2026-13-01": `d "2026-13-01" is not a calendar date`,
	} {
		if got := message(t, field.Date("d", s)); got != want {
			t.Errorf("Date(%q) = %q, want %q", s, got, want)
		}
	}
	if tm, err := field.Time("t", "2026-03-01T08:00:00+08:00"); err != nil || !tm.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Time = %v, %v", tm, err)
	}
	if got := message(t, second(field.Time("t", ""))); got != "t is required: an RFC 3339 time like 2026-03-01T08:00:00+08:00" {
		t.Errorf("Time empty: %q", got)
	}
	if got := message(t, second(field.Time("t", "2026-03-01T08:00:00"))); got != `t "2026-03-01T08:00:00" is not an RFC 3339 time with an offset, like 2026-03-01T08:00:00+08:00` {
		t.Errorf("Time without offset: %q", got)
	}
}

func second[T any](_ T, err error) error { return err }

func TestOneOfAndOrgID(t *testing.T) {
	kinds := []string{"a", "b"}
	for s, want := range map[string]string{"a": "", "": "k is required: one of a, b", "c": `k "c" is not one of a, b`} {
		if got := message(t, field.OneOf("k", s, kinds)); got != want {
			t.Errorf("OneOf(%q) = %q, want %q", s, got, want)
		}
	}
	for s, want := range map[string]string{
		"coop": "", "": "o is required: an organisation id",
		"Coop": `o "Coop" is not an organisation id (2-32 lowercase letters, digits or '-')`,
	} {
		if got := message(t, field.OrgID("o", s)); got != want {
			t.Errorf("OrgID(%q) = %q, want %q", s, got, want)
		}
	}
}

// The hand-written matchers agree with the regular expressions the
// modules used before, on every string built from the characters that
// matter.
func TestMatchersAgreeWithPatterns(t *testing.T) {
	org := regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,31}$`)
	date := regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
	rec := regexp.MustCompile(`^EV[0-9]{8}-[0-9A-F]{20}$`)
	hex3 := regexp.MustCompile(`^[0-9a-f]{3}$`)
	var ins []string
	alphabet := []string{"a", "z", "0", "9", "-", "A", "F", "G", "é", "\n", "E", "V"}
	var grow func(prefix string, n int)
	grow = func(prefix string, n int) {
		ins = append(ins, prefix)
		if n == 0 {
			return
		}
		for _, c := range alphabet {
			grow(prefix+c, n-1)
		}
	}
	grow("", 3)
	for _, base := range []string{"coop-dangshan", strings.Repeat("a", 32), "2026-01-01", "EV20260101-0123456789ABCDEF0123"} {
		for i := 0; i <= len(base); i++ {
			for _, c := range alphabet {
				ins = append(ins, base[:i]+c+base[i:])
				if i < len(base) {
					ins = append(ins, base[:i]+c+base[i+1:], base[:i]+base[i+1:])
				}
			}
		}
		ins = append(ins, base, base+"\n")
	}
	for _, s := range ins {
		if field.IsOrgID(s) != org.MatchString(s) {
			t.Errorf("IsOrgID(%q) = %v", s, field.IsOrgID(s))
		}
		if (field.Date("d", s) == nil) && !date.MatchString(s) {
			t.Errorf("Date(%q) accepted", s)
		}
		if field.IsRecordID("EV", s) != rec.MatchString(s) {
			t.Errorf("IsRecordID(%q) = %v", s, field.IsRecordID("EV", s))
		}
		if field.IsLowerHex(s, 3) != hex3.MatchString(s) {
			t.Errorf("IsLowerHex(%q, 3) = %v", s, field.IsLowerHex(s, 3))
		}
	}
}

func TestRecordID(t *testing.T) {
	// 2026-01-01 16:00 UTC is 2026-01-02 in China Standard Time.
	at := time.Date(2026, 1, 1, 16, 0, 0, 0, time.UTC)
	id := field.RecordID("EV", "dengta/evidence/v1", at, "dep-a", "x")
	if !strings.HasPrefix(id, "EV20260102-") || !field.IsRecordID("EV", id) || field.IsRecordID("BA", id) {
		t.Fatalf("RecordID = %s", id)
	}
	// Parts are separated, so moving a boundary changes the id.
	if field.RecordID("EV", "d", at, "ab", "c") == field.RecordID("EV", "d", at, "a", "bc") {
		t.Fatal("parts are not separated")
	}
	if got := field.BlockDate(at); got != "2026-01-02" {
		t.Errorf("BlockDate = %s", got)
	}
	if got := field.BlockTime(at.Add(5 * time.Millisecond)); got != "2026-01-02T00:00:00.005+08:00" {
		t.Errorf("BlockTime = %s", got)
	}
}

// message is the message of a malformed_body error, "" for nil.
func message(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	if errcode.Of(err) != errcode.MalformedBody {
		t.Fatalf("%v: code %s, want malformed_body", err, errcode.Of(err))
	}
	return errcode.Message(err)
}

func ExampleText() {
	err := field.Text("title", "", 1, 200)
	fmt.Println(errcode.Of(err), errcode.Message(err))
	fmt.Println(field.Text("note", "line one\nline two", 0, 500, field.Multiline))
	// Output:
	// malformed_body title is required
	// <nil>
}
