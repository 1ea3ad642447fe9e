package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// docHCLBlock is one ```hcl block of a document.
type docHCLBlock struct {
	file string
	line int // of the opening fence
	src  string
}

// docHCLBlocks returns the ```hcl blocks of README.md and docs/*.md
// (reference.md is generated and holds none).
func docHCLBlocks(t *testing.T) []docHCLBlock {
	t.Helper()
	files, err := filepath.Glob("../../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	files = append([]string{"../../README.md"}, files...)
	fence := regexp.MustCompile("^\\s*```")
	var out []docHCLBlock
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(b), "\n")
		for i := 0; i < len(lines); i++ {
			if !fence.MatchString(lines[i]) {
				continue
			}
			tag := strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(lines[i]), "`"))
			start := i
			var body []string
			for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
				body = append(body, lines[i])
			}
			if tag == "hcl" {
				out = append(out, docHCLBlock{strings.TrimPrefix(f, "../../"), start + 1, strings.Join(body, "\n") + "\n"})
			}
		}
	}
	return out
}

// TestDocHCLSnippets: every ```hcl block of the documentation parses as
// HCL (a block that elides a part with "…" aside), and one that is a
// whole scenario (a scenario block and a sink) passes scen validate.
func TestDocHCLSnippets(t *testing.T) {
	blocks := docHCLBlocks(t)
	parsed, validated := 0, 0
	whole := regexp.MustCompile(`(?m)^scenario "[^"]+" \{[\s\S]*^sink "`)
	for _, b := range blocks {
		if strings.Contains(b.src, "…") {
			continue
		}
		if _, diags := hclsyntax.ParseConfig([]byte(b.src), b.file, hcl.Pos{Line: b.line + 1, Column: 1}); diags.HasErrors() {
			t.Errorf("%s:%d: the hcl block does not parse: %s", b.file, b.line, diags.Error())
			continue
		}
		parsed++
		if !whole.MatchString(b.src) {
			continue
		}
		path := filepath.Join(t.TempDir(), "snippet.hcl")
		if err := os.WriteFile(path, []byte(b.src), 0o644); err != nil {
			t.Fatal(err)
		}
		if code, _, stderr := runCLI("validate", path); code != 0 {
			t.Errorf("%s:%d: scen validate exits %d:\n%s", b.file, b.line, code, stderr)
		}
		validated++
	}
	if parsed < 12 || validated < 1 {
		t.Errorf("parsed %d hcl blocks and validated %d of %d: the extraction missed them", parsed, validated, len(blocks))
	}
}
