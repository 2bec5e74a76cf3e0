package main

import "testing"

func TestVerifiedValuePrintable(t *testing.T) {
	for _, c := range []struct {
		in   []byte
		want string
	}{
		{[]byte(`{"id":"E1","sha256":"ab"}`), `{"id":"E1","sha256":"ab"}`},
		{[]byte(`"多行\n记录"`), `"多行\n记录"`},
		{[]byte("1"), "1"},
		{[]byte{0x46}, "0x46 (as text: F)"},
		{[]byte("a\x01"), "0x6101"},
		{[]byte{0x03, 0xe8}, "0x03e8"},
		{[]byte{0x60, 0x80, 0x60, 0x40, 0x52}, "0x6080604052"},
		{[]byte{0xff, 0xfe}, "0xfffe"},
	} {
		if got := printable(c.in); got != c.want {
			t.Errorf("printable(%x) = %q, want %q", c.in, got, c.want)
		}
	}
}
