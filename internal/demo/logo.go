package demo

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
)

// Logo draws Exempelby kommun's fictional emblem: a blue disc with three
// white links of a chain, as a 96 × 96 PNG.
func Logo() []byte {
	const size = 96
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	blue := color.NRGBA{0x0b, 0x4f, 0x8a, 0xff}
	white := color.NRGBA{0xff, 0xff, 0xff, 0xff}
	for y := range size {
		for x := range size {
			dx, dy := float64(x)-47.5, float64(y)-47.5
			if math.Hypot(dx, dy) > 46 {
				continue // transparent outside the disc
			}
			img.SetNRGBA(x, y, blue)
			// Three chain links: rings around centres along the diagonal.
			for _, c := range []float64{-22, 0, 22} {
				if d := math.Hypot(dx-c, (dy-c)*1.6); d > 9 && d < 15 {
					img.SetNRGBA(x, y, white)
				}
			}
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img) // writing to memory does not fail
	return b.Bytes()
}
