// SPDX-License-Identifier: Apache-2.0

package demo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/scfx/scfx/client"
)

// Limits of the --verbose echo.
const (
	echoLinesMax = 40   // lines of a pretty body printed
	echoBytesMax = 3000 // bytes of a pretty body printed
	echoWidth    = 100  // the widest line an object or array is joined onto
)

// printer prints the story and, under --verbose, every HTTP exchange the
// parties' clients make (their client.WithHook).
type printer struct {
	w       io.Writer
	verbose bool
	quiet   bool // calls not echoed (polls after the first, checks)
	echoed  bool // printed an exchange since the story's last line
	last    client.Exchange
}

// say prints a line of the story; under --verbose set off by a blank line from the
// HTTP exchanges it follows.
func (p *printer) say(format string, args ...any) {
	if p.echoed {
		fmt.Fprintln(p.w)
		p.echoed = false
	}
	fmt.Fprintf(p.w, format+"\n", args...)
}

// exchange is the hook of a client acting as the party named as.
func (p *printer) exchange(as string, e client.Exchange) {
	// The hook must not keep the exchange's slices: the last answer is copied.
	p.last = e
	p.last.Request, p.last.Response = nil, bytes.Clone(e.Response)
	if !p.verbose || p.quiet {
		return
	}
	fmt.Fprintf(p.w, "\n→ %s %s  (as %s", e.Method, e.Path, as)
	if e.IdempotencyKey != "" {
		fmt.Fprintf(p.w, "; Idempotency-Key: %s", e.IdempotencyKey)
	}
	fmt.Fprintln(p.w, ")")
	p.echoBody(e.Request)
	if e.Err != nil {
		fmt.Fprintf(p.w, "← %v\n", e.Err)
		p.echoed = true
		return
	}
	fmt.Fprintf(p.w, "← %d %s  (%s)\n", e.Status, http.StatusText(e.Status), e.Elapsed.Round(10*time.Microsecond))
	p.echoBody(e.Response)
}

// lastAfter prints, under --verbose, how many polls were not echoed and the last answer.
func (p *printer) lastAfter(polls int) {
	if !p.verbose {
		return
	}
	fmt.Fprintf(p.w, "  … %d more polls of %s %s; the last answered:\n", polls, p.last.Method, p.last.Path)
	fmt.Fprintf(p.w, "← %d %s\n", p.last.Status, http.StatusText(p.last.Status))
	p.echoBody(p.last.Response)
}

// echoBody prints a body for a reader: JSON members in the server's order, each
// object or array on one line when it fits in echoWidth columns, tokens cut
// short, at most echoLinesMax lines.
func (p *printer) echoBody(b []byte) {
	p.echoed = true
	if len(bytes.TrimSpace(b)) == 0 {
		return
	}
	s := string(b)
	if n, err := parseJSONNode(json.NewDecoder(bytes.NewReader(b))); err == nil {
		s = n.pretty("    ", "token")
	}
	cut := ""
	if len(s) > echoBytesMax {
		s, cut = s[:echoBytesMax], " (cut)"
	}
	lines := strings.Split(s, "\n")
	if len(lines) > echoLinesMax {
		cut = fmt.Sprintf(" (%d more lines)", len(lines)-echoLinesMax)
		lines = lines[:echoLinesMax]
	}
	fmt.Fprintf(p.w, "    %s\n", strings.Join(lines, "\n"))
	if cut != "" {
		fmt.Fprintf(p.w, "    …%s\n", cut)
	}
}

// jsonNode is a JSON value that keeps its members in the order they came (a map
// would sort them, and the API's order — id first — is the readable one).
type jsonNode struct {
	scalar string // encoded; "" for objects and arrays
	open   byte   // '{' or '['
	keys   []string
	vals   []*jsonNode
}

// parseJSONNode reads one value; depth is bounded by encoding/json's own limit.
func parseJSONNode(dec *json.Decoder) (*jsonNode, error) {
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(tok); err != nil {
			return nil, err
		}
		return &jsonNode{scalar: strings.TrimSpace(buf.String())}, nil
	}
	n := &jsonNode{open: byte(delim)}
	for dec.More() {
		if n.open == '{' {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			n.keys = append(n.keys, k.(string))
		}
		v, err := parseJSONNode(dec)
		if err != nil {
			return nil, err
		}
		n.vals = append(n.vals, v)
	}
	_, err = dec.Token() // the closing delimiter
	return n, err
}

// pretty renders n from column len(indent); a string member named secret shows its first 8 characters.
func (n *jsonNode) pretty(indent, secret string) string {
	if c := n.compact(secret); len(indent)+len(c) <= echoWidth || n.open == 0 {
		return c
	}
	closer := "]"
	if n.open == '{' {
		closer = "}"
	}
	var b strings.Builder
	b.WriteByte(n.open)
	for i, v := range n.vals {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n" + indent + "  ")
		if n.open == '{' {
			b.WriteString(strconv.Quote(n.keys[i]) + ": ")
			if n.keys[i] == secret {
				v = v.redacted()
			}
		}
		b.WriteString(v.pretty(indent+"  ", secret))
	}
	b.WriteString("\n" + indent + closer)
	return b.String()
}

func (n *jsonNode) compact(secret string) string {
	if n.open == 0 {
		return n.scalar
	}
	parts := make([]string, len(n.vals))
	for i, v := range n.vals {
		if n.open == '[' {
			parts[i] = v.compact(secret)
			continue
		}
		if n.keys[i] == secret {
			v = v.redacted()
		}
		parts[i] = strconv.Quote(n.keys[i]) + ": " + v.compact(secret)
	}
	if n.open == '{' {
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// redacted cuts a string to its first 8 characters: the demo's output may be pasted
// anywhere, and a bearer token is a credential.
func (n *jsonNode) redacted() *jsonNode {
	var s string
	if n.open != 0 || json.Unmarshal([]byte(n.scalar), &s) != nil || len(s) <= 8 {
		return n
	}
	return &jsonNode{scalar: strconv.Quote(s[:8] + "…")}
}
