package i18n

import (
	"maps"
	"slices"
	"testing"
)

// TestFastPathMatchesGoI18n prints every message of every language through
// T's fast path and through go-i18n, with every field given (alternately
// as a string and an integer), with one field missing and with a field of
// another type, and wants the same text.
func TestFastPathMatchesGoI18n(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string][]string{} // ID → the fields its texts use, in any language
	for _, byID := range c.simple {
		for id, m := range byID {
			if m != nil {
				fields[id] = append(fields[id], m.fields...)
			}
		}
	}
	fast := 0
	langs := append(slices.Collect(maps.Keys(c.simple)), EasySwedish)
	for _, lang := range langs {
		l := c.For(lang)
		for _, id := range slices.Sorted(maps.Keys(fields)) {
			data := map[string]any{}
			for k, f := range fields[id] {
				if k%2 == 0 {
					data[f] = "«" + f + "»"
				} else {
					data[f] = 1000 + k
				}
			}
			if m := c.simple[l.base][id]; m != nil && !c.plural[id] {
				if _, ok := m.execute([]any{data}); ok {
					fast++
				}
			}
			cases := []map[string]any{data}
			if fs := fields[id]; len(fs) > 0 {
				missing := maps.Clone(data)
				delete(missing, fs[0])
				float := maps.Clone(data)
				float[fs[0]] = 2.5
				cases = append(cases, missing, float)
			}
			for _, d := range cases {
				slowID := id
				if l.easy && c.easy[id] {
					slowID = "easy." + id
				}
				want := l.slowT(slowID, maps.Clone(d))
				if got := l.T(id, d); got != want {
					t.Errorf("%s %s %v:\n fast %q\n want %q", lang, id, d, got, want)
				}
				var pairs []any
				for _, k := range slices.Sorted(maps.Keys(d)) {
					pairs = append(pairs, k, d[k])
				}
				if got := l.T(id, pairs...); got != want {
					t.Errorf("%s %s %v as pairs:\n fast %q\n want %q", lang, id, pairs, got, want)
				}
			}
		}
	}
	if fast < 1000 {
		t.Errorf("only %d messages took the fast path", fast)
	}
	t.Logf("%d messages in %d languages took the fast path", fast, len(langs))
}

func TestCompileSimple(t *testing.T) {
	for _, tc := range []struct {
		text string
		ok   bool
		n    int
	}{
		{"plain", true, 0},
		{"a {{.X}} b {{ .Y_2 }} c", true, 2},
		{"{{.X}}{{.X}}", true, 2},
		{"close }} only", true, 0},
		{"{{if .X}}x{{end}}", false, 0},
		{"{{- .X}}", false, 0},
		{"{{.X -}}", false, 0},
		{"{{.X.Y}}", false, 0},
		{"{{.2X}}", false, 0},
		{"{{printf \"%d\" .X}}", false, 0},
		{"{{.X | html}}", false, 0},
		{"open {{.X", false, 0},
		{"{{.}}", false, 0},
	} {
		m, ok := compileSimple(tc.text)
		if ok != tc.ok || (ok && len(m.fields) != tc.n) {
			t.Errorf("compileSimple(%q) = %v, %v; want ok %v with %d fields", tc.text, m, ok, tc.ok, tc.n)
		}
	}
}
