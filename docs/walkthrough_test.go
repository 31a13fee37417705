// SPDX-License-Identifier: Apache-2.0

// Package docs holds tests of the project's documentation: the walk-through that
// api.md prints is walkthrough.sh, part by part, and that script runs against a real
// server (walkthrough_run_test.go).
package docs

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
)

// updateDoc (-update) rewrites the walk-through blocks of api.md from walkthrough.sh:
// go test ./docs -run TestWalkthroughDoc -update
var updateDoc = flag.Bool("update", false, "rewrite docs/api.md's walk-through blocks from docs/walkthrough.sh")

const (
	scriptPath = "walkthrough.sh"
	docPath    = "api.md"
	// partPrefix starts a part of the script: a heading for its reader, and the place
	// where api.md's next block begins. The first part starts at the first line.
	partPrefix = "#### "
)

func beginMarker(n int) string {
	return fmt.Sprintf("<!-- BEGIN docs/walkthrough.sh part %d (go test ./docs -run TestWalkthroughDoc -update) -->", n)
}

func endMarker(n int) string { return fmt.Sprintf("<!-- END docs/walkthrough.sh part %d -->", n) }

// scriptParts splits the script at the lines that start with partPrefix.
func scriptParts(script string) []string {
	var parts []string
	start := 0
	for i := 0; i < len(script); {
		j := strings.IndexByte(script[i:], '\n')
		if j < 0 {
			j = len(script) - i - 1
		}
		if i > 0 && strings.HasPrefix(script[i:], partPrefix) {
			parts = append(parts, script[start:i])
			start = i
		}
		i += j + 1
	}
	return append(parts, script[start:])
}

// renderDoc is doc with the block between each pair of part markers replaced by that
// part of the script, fenced as sh. It fails when the markers do not match the parts
// one to one, in order.
func renderDoc(doc string, parts []string) (string, error) {
	var b strings.Builder
	rest := doc
	for i, part := range parts {
		n := i + 1
		begin, end := beginMarker(n), endMarker(n)
		bi := strings.Index(rest, begin)
		ei := strings.Index(rest, end)
		if bi < 0 || ei < bi {
			return "", fmt.Errorf("%s lacks %q … %q (the script has %d parts, each starting at a line %q)", docPath, begin, end, len(parts), partPrefix+"…")
		}
		b.WriteString(rest[:bi+len(begin)])
		b.WriteString("\n```sh\n" + part + "```\n")
		b.WriteString(end)
		rest = rest[ei+len(end):]
	}
	if strings.Contains(rest, "<!-- BEGIN docs/walkthrough.sh") {
		return "", fmt.Errorf("%s has more walk-through blocks than the script's %d parts", docPath, len(parts))
	}
	b.WriteString(rest)
	return b.String(), nil
}

// TestWalkthroughDoc: api.md's walk-through blocks are walkthrough.sh verbatim, so
// what a reader pastes is what TestWalkthroughScript runs.
func TestWalkthroughDoc(t *testing.T) {
	script, err := os.ReadFile(scriptPath)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(script, []byte("```")) {
		t.Fatalf("%s contains ``` , which would end its Markdown block early", scriptPath)
	}
	doc, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	want, err := renderDoc(string(doc), scriptParts(string(script)))
	if err != nil {
		t.Fatal(err)
	}
	if want == string(doc) {
		return
	}
	if !*updateDoc {
		t.Fatalf("docs/api.md's walk-through differs from docs/walkthrough.sh (first difference at line %d); edit the script, then run go test ./docs -run TestWalkthroughDoc -update",
			firstDiffLine(string(doc), want))
	}
	if err := os.WriteFile(docPath, []byte(want), 0o644); err != nil {
		t.Fatal(err)
	}
}

// firstDiffLine is the 1-based number of the first line where a and b differ.
func firstDiffLine(a, b string) int {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return i + 1
		}
	}
	return min(len(la), len(lb)) + 1
}

// TestScriptParts: the script splits at its "#### " lines only, and the parts put
// back together are the script; renderDoc puts each part between its markers and
// refuses a doc whose markers are missing or too many.
func TestScriptParts(t *testing.T) {
	script := "#!/bin/sh\n# setup\n#### one\necho 1\n  #### not a heading\n#### two\necho 2\n"
	parts := scriptParts(script)
	want := []string{"#!/bin/sh\n# setup\n", "#### one\necho 1\n  #### not a heading\n", "#### two\necho 2\n"}
	if strings.Join(parts, "|") != strings.Join(want, "|") {
		t.Fatalf("scriptParts = %q, want %q", parts, want)
	}
	if got := scriptParts("echo only\n"); len(got) != 1 || got[0] != "echo only\n" {
		t.Fatalf("scriptParts of a script without parts = %q", got)
	}

	doc := "intro\n" + beginMarker(1) + "\nold\n" + endMarker(1) + "\nmiddle\n" + beginMarker(2) + "\n" + endMarker(2) + "\nend\n"
	got, err := renderDoc(doc, []string{"a\n", "b\n"})
	wantDoc := "intro\n" + beginMarker(1) + "\n```sh\na\n```\n" + endMarker(1) + "\nmiddle\n" + beginMarker(2) + "\n```sh\nb\n```\n" + endMarker(2) + "\nend\n"
	if err != nil || got != wantDoc {
		t.Fatalf("renderDoc = %q, %v; want %q", got, err, wantDoc)
	}
	if again, err := renderDoc(got, []string{"a\n", "b\n"}); err != nil || again != got {
		t.Fatalf("renderDoc of its own output = %q, %v; want it unchanged", again, err)
	}
	if _, err := renderDoc(doc, []string{"a\n", "b\n", "c\n"}); err == nil {
		t.Fatal("renderDoc with a part the doc has no block for: no error")
	}
	if _, err := renderDoc(doc, []string{"a\n"}); err == nil {
		t.Fatal("renderDoc with a block the script has no part for: no error")
	}
}
