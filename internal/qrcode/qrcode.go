// Package qrcode renders QR codes as SVG and PNG: for evidence certificates
// (pointing at the public verify page) and for product labels (pointing at
// the public scan page).
package qrcode

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"

	"rsc.io/qr"
)

// quiet is the width of the white border, in modules (the standard asks
// for four).
const quiet = 4

// maxText bounds the encoded text; longer URLs make unreadable codes.
const maxText = 1024

func encode(text string) (*qr.Code, error) {
	if text == "" || len(text) > maxText {
		return nil, fmt.Errorf("qr code text must have 1 to %d bytes, got %d", maxText, len(text))
	}
	c, err := qr.Encode(text, qr.M)
	if err != nil {
		return nil, fmt.Errorf("encode qr code: %w", err)
	}
	return c, nil
}

// SVG returns an SVG image of the QR code of text, size pixels wide. Dark
// modules are drawn as one path, so the file stays small and prints crisp.
func SVG(text string, size int) ([]byte, error) {
	c, err := encode(text)
	if err != nil {
		return nil, err
	}
	n := c.Size + 2*quiet
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" shape-rendering="crispEdges" role="img" aria-label="QR code">`, size, size, n, n)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	for y := 0; y < c.Size; y++ {
		for x := 0; x < c.Size; x++ {
			if c.Black(x, y) {
				// A run of dark modules becomes one rectangle.
				run := 1
				for x+run < c.Size && c.Black(x+run, y) {
					run++
				}
				fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", x+quiet, y+quiet, run, run)
				x += run - 1
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return b.Bytes(), nil
}

// PNG returns a PNG image of the QR code of text with scale pixels per
// module (at least 1) and a quiet border.
func PNG(text string, scale int) ([]byte, error) {
	c, err := encode(text)
	if err != nil {
		return nil, err
	}
	if scale < 1 || scale > 64 {
		return nil, fmt.Errorf("qr code scale %d is outside 1..64", scale)
	}
	n := (c.Size + 2*quiet) * scale
	img := image.NewPaletted(image.Rect(0, 0, n, n), color.Palette{color.White, color.Black})
	for y := 0; y < c.Size; y++ {
		for x := 0; x < c.Size; x++ {
			if !c.Black(x, y) {
				continue
			}
			for dy := range scale {
				for dx := range scale {
					img.SetColorIndex((x+quiet)*scale+dx, (y+quiet)*scale+dy, 1)
				}
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, fmt.Errorf("encode png: %w", err)
	}
	return b.Bytes(), nil
}
