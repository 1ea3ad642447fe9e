package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// renderDiags prints diagnostics in a compiler style: severity and
// summary, file:line:col, the source line with the range marked, and the
// detail. It is the only place diagnostics become text.
func renderDiags(w io.Writer, diags hcl.Diagnostics, files map[string]*hcl.File) {
	for _, d := range diags {
		sev := "error"
		if d.Severity == hcl.DiagWarning {
			sev = "warning"
		}
		fmt.Fprintf(w, "%s: %s\n", sev, d.Summary)
		if d.Subject != nil {
			r := *d.Subject
			fmt.Fprintf(w, "  --> %s:%d:%d\n", r.Filename, r.Start.Line, r.Start.Column)
			if f := files[r.Filename]; f != nil && len(f.Bytes) > 0 {
				writeSnippet(w, f.Bytes, r)
			}
		}
		if d.Detail != "" {
			for _, line := range strings.Split(d.Detail, "\n") {
				fmt.Fprintf(w, "   = %s\n", line)
			}
		}
		fmt.Fprintln(w)
	}
}

func writeSnippet(w io.Writer, src []byte, r hcl.Range) {
	lines := bytes.Split(src, []byte("\n"))
	ln := r.Start.Line
	if ln < 1 || ln > len(lines) {
		return
	}
	line := strings.TrimRight(string(lines[ln-1]), "\r")
	num := fmt.Sprint(ln)
	pad := strings.Repeat(" ", len(num))
	fmt.Fprintf(w, "%s |\n", pad)
	fmt.Fprintf(w, "%s | %s\n", num, strings.ReplaceAll(line, "\t", " "))
	startCol := r.Start.Column
	endCol := r.End.Column
	if r.End.Line != r.Start.Line {
		endCol = len([]rune(line)) + 1
	}
	if endCol <= startCol {
		endCol = startCol + 1
	}
	fmt.Fprintf(w, "%s | %s%s\n", pad, strings.Repeat(" ", max(startCol-1, 0)), strings.Repeat("^", endCol-startCol))
}
