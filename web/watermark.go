package web

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// watermark returns a copy of pdf with the recipient's line stamped at the
// foot of every page. The original bytes are never changed.
func watermark(pdf []byte, line string) ([]byte, error) {
	// pdfcpu reads commas and colons in the description, not in the text;
	// keep the text to one printable line.
	line = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, line)
	wm, err := api.TextWatermark(line, "font:Helvetica, points:8, pos:bc, off:0 14, rot:0, op:0.85, fillc:#9b1c1c, scale:1 abs", true, false, types.POINTS)
	if err != nil {
		return nil, fmt.Errorf("watermark: %w", err)
	}
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	var out bytes.Buffer
	if err := api.AddWatermarks(bytes.NewReader(pdf), &out, nil, wm, conf); err != nil {
		return nil, fmt.Errorf("watermark: %w", err)
	}
	return out.Bytes(), nil
}
