package report

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// chromium finds Debian's chromium (or a chromium-browser binary).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium is not installed (apt-get install chromium)")
	return ""
}

func writeShopHTML(t *testing.T) (string, *Report) {
	t.Helper()
	plan := shopPlan(t)
	r := buildReport(t, plan, plan.Introspect(), shopJSONL)
	path := filepath.Join(t.TempDir(), "report.html")
	var b bytes.Buffer
	if err := r.WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, r
}

// TestHTMLSelfContained: no script, nothing fetched, one chart per check
// with bars.
func TestHTMLSelfContained(t *testing.T) {
	path, r := writeShopHTML(t)
	page, _ := os.ReadFile(path)
	s := string(page)
	for _, bad := range []string{"<script", "http://", "https://", "<link", "@import", "src="} {
		if bad == "http://" {
			s = strings.ReplaceAll(s, `xmlns="http://www.w3.org/2000/svg"`, "")
		}
		if strings.Contains(s, bad) {
			t.Errorf("the page holds %q", bad)
		}
	}
	charts := 0
	for _, c := range r.Checks {
		if len(c.Bars) > 0 {
			charts++
		}
	}
	if got := strings.Count(string(page), "<svg"); got != charts || charts < 8 {
		t.Errorf("%d charts, want %d", got, charts)
	}
}

func runChromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--user-data-dir=" + t.TempDir(), "--no-first-run", "--hide-scrollbars"}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, errb.String())
	}
	return out.Bytes()
}

// TestHTMLRendersInChromium renders the page in headless Chromium: the
// DOM it builds has every check and chart, and the screenshot is a real
// picture.
func TestHTMLRendersInChromium(t *testing.T) {
	bin := chromium(t)
	path, r := writeShopHTML(t)
	url := "file://" + path

	dom := string(runChromium(t, bin, "--dump-dom", url))
	if !strings.Contains(dom, "<title>scen report: shop / events</title>") {
		t.Fatalf("the DOM lacks the title:\n%.500s", dom)
	}
	if got, want := strings.Count(dom, `class="check`), len(r.Checks); got != want {
		t.Errorf("the DOM has %d checks, want %d", got, want)
	}
	if got, want := strings.Count(dom, "<svg"), strings.Count(dom, "</svg>"); got == 0 || got != want {
		t.Errorf("the DOM has %d <svg> and %d </svg>", got, want)
	}

	shot := filepath.Join(t.TempDir(), "shot.png")
	runChromium(t, bin, "--screenshot="+shot, "--window-size=1200,1600", url)
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 1200 || b.Dy() != 1600 {
		t.Errorf("screenshot is %v, want 1200×1600", b)
	}
	if n := colours(img); n < 20 {
		t.Errorf("the screenshot has %d colours: the page did not render", n)
	}
}

// colours counts distinct colours on a coarse grid.
func colours(img image.Image) int {
	seen := map[[3]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
		}
	}
	return len(seen)
}
