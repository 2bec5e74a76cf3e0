package qrcode

import (
	"bytes"
	"fmt"
	"image/png"
	"strings"
	"testing"

	"rsc.io/qr"
)

func TestPNGMatchesModules(t *testing.T) {
	const text = "https://hall.example.cn/verify?id=EV20261121-0123456789ABCDEF0123"
	raw, err := PNG(text, 3)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c, _ := qr.Encode(text, qr.M)
	if got, want := img.Bounds().Dx(), (c.Size+2*quiet)*3; got != want {
		t.Fatalf("width %d, want %d", got, want)
	}
	for y := 0; y < c.Size; y++ {
		for x := 0; x < c.Size; x++ {
			r, _, _, _ := img.At((x+quiet)*3+1, (y+quiet)*3+1).RGBA()
			if dark := r == 0; dark != c.Black(x, y) {
				t.Fatalf("module (%d,%d): dark=%v, want %v", x, y, dark, c.Black(x, y))
			}
		}
	}
}

func TestSVGCoversEveryDarkModule(t *testing.T) {
	const text = "https://example.cn/01/06901234567892/21/SN0001"
	svg, err := SVG(text, 200)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := qr.Encode(text, qr.M)
	dark := 0
	for y := 0; y < c.Size; y++ {
		for x := 0; x < c.Size; x++ {
			if c.Black(x, y) {
				dark++
			}
		}
	}
	// Sum the widths of the drawn runs: they must cover exactly the dark modules.
	covered := 0
	for _, seg := range strings.Split(string(svg), "M")[1:] {
		var x, y, w, w2 int
		if _, err := fmt.Sscanf(seg, "%d %dh%dv1h-%dz", &x, &y, &w, &w2); err != nil {
			continue
		}
		covered += w
	}
	if covered != dark {
		t.Fatalf("svg draws %d modules, the code has %d dark ones", covered, dark)
	}
	if !bytes.HasPrefix(svg, []byte("<svg")) || !bytes.HasSuffix(svg, []byte("</svg>")) {
		t.Fatal("not an svg document")
	}
}

func TestRejectsBadInput(t *testing.T) {
	if _, err := SVG("", 100); err == nil {
		t.Error("empty text accepted")
	}
	if _, err := PNG(strings.Repeat("x", 2000), 2); err == nil {
		t.Error("2000-byte text accepted")
	}
	if _, err := PNG("x", 0); err == nil {
		t.Error("scale 0 accepted")
	}
}
