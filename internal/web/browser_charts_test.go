package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/styrkedjan/styrkedjan/internal/web"
)

// chartProblems runs in an SVG chart opened as its own document and lists
// what a reader would misread: text cut off at the image's edge, text
// boxes that overlap (labels on top of each other, a title over a
// legend), and chart text whose colour has less than 4.5:1 contrast
// against the white background. The boxes are the browser's own, with the
// font it draws with, at the current viewport width.
const chartProblems = `(() => {
	const root = document.documentElement.getBoundingClientRect();
	const lum = c => {
		const m = c.match(/rgba?\(([\d.]+), ([\d.]+), ([\d.]+)/);
		if (!m) return 0;
		const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
		return 0.2126 * f(+m[1]) + 0.7152 * f(+m[2]) + 0.0722 * f(+m[3]);
	};
	const texts = [...document.querySelectorAll("text")].filter(t => t.textContent.trim() !== "").map(t => {
		const b = t.getBoundingClientRect();
		// The box of a text is its font's whole line: the glyphs fill the
		// middle (across the line: the width of a rotated axis title).
		const rotated = b.height > b.width && t.textContent.trim().length > 1;
		const dy = rotated ? 0 : b.height * 0.18, dx = rotated ? b.width * 0.18 : 0;
		return {s: t.textContent.trim(), l: b.left + dx, r: b.right - dx, t: b.top + dy, b: b.bottom - dy, fill: getComputedStyle(t).fill};
	});
	const out = [];
	for (const x of texts) {
		if (x.l < root.left - 0.5 || x.r > root.right + 0.5 || x.t < root.top - 0.5 || x.b > root.bottom + 0.5) {
			out.push("cut off: " + JSON.stringify(x.s));
		}
		const contrast = 1.05 / (lum(x.fill) + 0.05);
		if (contrast < 4.5) out.push("contrast " + contrast.toFixed(2) + ": " + JSON.stringify(x.s));
	}
	for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
		const a = texts[i], c = texts[j];
		const w = Math.min(a.r, c.r) - Math.max(a.l, c.l), h = Math.min(a.b, c.b) - Math.max(a.t, c.t);
		if (w > 0.5 && h > 0.5) out.push("overlap: " + JSON.stringify(a.s) + " / " + JSON.stringify(c.s));
	}
	return out;
})()`

// TestBrowserChartsReadable opens every plotted chart of the unit picture
// and the initiative's effect as its own SVG document, at a desktop width
// and at a phone's 375 px, and checks that no text is cut off, no labels
// overlap and chart text has enough contrast (axe does not look inside
// images). It also checks that the pages with charts do not scroll
// sideways on a phone.
func TestBrowserChartsReadable(t *testing.T) {
	e := start(t, demoSQLite(t), web.Options{})
	b := newBrowser(t, e.srv.URL, 5*time.Minute)
	b.login(analyst)

	pages := []string{"/unitpicture?indicator=pass_all_subjects_6", "/unitpicture?indicator=pass_all_subjects_9",
		"/unitpicture/units/" + itoa(e.unitID(unitA)) + "?baseline=2019/20", "/unitpicture/adjusted", "/unitpicture/compensatory"}
	var charts []string
	for _, p := range pages {
		b.open(p, 200)
		b.waitFor("the charts", `[...document.querySelectorAll("main img")].every(i => i.complete)`)
		charts = append(charts, evalJS[[]string](b, `[...document.querySelectorAll("main img")].map(i => i.getAttribute("src")).filter(s => /\.svg(\?|$)/.test(s))`)...)
	}
	b.open("/dialogues/initiatives", 200)
	if href := evalJS[string](b, `(document.querySelector('main a[href^="/dialogues/initiatives/"][href$="/effect"]') || {}).getAttribute?.("href") || ""`); href != "" {
		charts = append(charts, href+".svg")
	} else {
		t.Error("no initiative effect to check")
	}
	if len(charts) < 6 {
		t.Fatalf("%d charts found: %q", len(charts), charts)
	}
	for _, width := range []int64{1280, 375} {
		if width == 375 {
			b.do("emulate a phone", chromedp.EmulateViewport(375, 800, chromedp.EmulateMobile))
		}
		for _, c := range charts {
			b.open(c, 200)
			if strings.Contains(c, "/compensatory/") && !evalJS[bool](b, `[...document.querySelectorAll("text")].some(t => t.textContent === "Centralskolan")`) {
				t.Errorf("%s: the dots are not named", c)
			}
			if problems := evalJS[[]string](b, chartProblems); len(problems) > 0 {
				t.Errorf("%s at %d px:\n  %s", c, width, strings.Join(problems, "\n  "))
			}
		}
		for _, p := range pages {
			b.open(p, 200)
			if over := evalJS[int](b, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); over > 0 {
				t.Errorf("%s at %d px scrolls sideways by %d px", p, width, over)
			}
		}
	}
}
