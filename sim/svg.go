// SPDX-License-Identifier: Apache-2.0

package sim

import (
	"fmt"
	"io"
	"strings"
)

// The chart: amount-weighted rate by tier, one bar per clearing mode in each tier's
// group. Hand-written SVG in integer coordinates, so a seed's chart is byte-identical.
const (
	svgWidth    = 640
	svgHeight   = 360
	svgLeft     = 64 // room for the rate axis labels
	svgRight    = 150
	svgTop      = 48
	svgBottom   = 48
	svgGridBps  = 100 // a grid line every 1%
	svgMinTopBp = 400
)

var svgColors = []string{"#2b6cb0", "#dd6b20", "#38a169", "#805ad5"}

// WriteSVG draws the report's rates by tier and mode.
func WriteSVG(w io.Writer, rep *Report) error {
	var b strings.Builder
	top := int64(svgMinTopBp)
	for _, mr := range rep.Modes {
		for _, t := range mr.Tiers {
			if t.RateBps != nil && *t.RateBps > top {
				top = *t.RateBps
			}
		}
	}
	top = (top + svgGridBps - 1) / svgGridBps * svgGridBps
	plotW, plotH := int64(svgWidth-svgLeft-svgRight), int64(svgHeight-svgTop-svgBottom)
	y := func(bps int64) int64 { return svgTop + plotH - bps*plotH/top }
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n",
		svgWidth, svgHeight, svgWidth, svgHeight)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", svgWidth, svgHeight)
	fmt.Fprintf(&b, `<text x="%d" y="24" font-size="14">Financing rate by tier (amount-weighted, bps/year), seed %d</text>`+"\n", svgLeft, rep.Seed)
	for g := int64(0); g <= top; g += svgGridBps {
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#e2e8f0"/>`+"\n", svgLeft, y(g), svgLeft+plotW, y(g))
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%d</text>`+"\n", svgLeft-6, y(g)+4, g)
	}
	groupW := plotW / simTiers
	n := int64(max(1, len(rep.Modes)))
	barW := (groupW - 24) / n
	for t := range int64(simTiers) {
		x0 := svgLeft + t*groupW + 12
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">tier %d</text>`+"\n", x0+barW*n/2, svgTop+plotH+20, t+1)
		for i, mr := range rep.Modes {
			x := x0 + int64(i)*barW
			r := mr.Tiers[t].RateBps
			if r == nil {
				fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" fill="#718096">n/a</text>`+"\n", x+barW/2, svgTop+plotH-6)
				continue
			}
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"/>`+"\n",
				x, y(*r), barW-4, svgTop+plotH-y(*r), svgColors[i%len(svgColors)])
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">%d</text>`+"\n", x+barW/2-2, y(*r)-4, *r)
		}
	}
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#1a202c"/>`+"\n", svgLeft, svgTop+plotH, svgLeft+plotW, svgTop+plotH)
	for i, mr := range rep.Modes {
		ly := int64(svgTop + 10 + 22*i)
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="14" height="14" fill="%s"/>`+"\n", svgLeft+plotW+16, ly, svgColors[i%len(svgColors)])
		fmt.Fprintf(&b, `<text x="%d" y="%d">%s</text>`+"\n", svgLeft+plotW+36, ly+12, mr.Clearing)
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}
