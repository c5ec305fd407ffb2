package i18n

import (
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// message is one catalog entry: a plain text, or plural forms by CLDR name.
type message struct {
	text  string
	forms map[string]string
}

// texts returns every text of the message (all plural forms).
func (m message) texts() []string {
	if m.forms == nil {
		return []string{m.text}
	}
	return slices.Collect(maps.Values(m.forms))
}

// catalogFiles reads the embedded catalogs as area → language → ID → message.
func catalogFiles(t *testing.T) map[string]map[string]map[string]message {
	t.Helper()
	files, err := fs.Glob(locales, "locales/*.toml")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]map[string]message{}
	for _, f := range files {
		parts := strings.Split(strings.TrimPrefix(f, "locales/"), ".")
		if len(parts) != 3 {
			t.Fatalf("%s: want AREA.LANG.toml", f)
		}
		area, lang := parts[0], parts[1]
		b, err := fs.ReadFile(locales, f)
		if err != nil {
			t.Fatal(err)
		}
		var raw map[string]any
		if err := toml.Unmarshal(b, &raw); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		msgs := map[string]message{}
		for id, v := range raw {
			switch v := v.(type) {
			case string:
				msgs[id] = message{text: v}
			case map[string]any:
				m := message{forms: map[string]string{}}
				for k, s := range v {
					text, ok := s.(string)
					if !ok {
						t.Errorf("%s: %s.%s is not a text", f, id, k)
					}
					m.forms[k] = text
				}
				msgs[id] = m
			default:
				t.Errorf("%s: %s is a %T, want a text or plural forms", f, id, v)
			}
		}
		if out[area] == nil {
			out[area] = map[string]map[string]message{}
		}
		out[area][lang] = msgs
	}
	if len(out) < 5 || len(out["platform"]["sv"]) < 100 {
		t.Fatalf("read only %d catalog areas; is the embed pattern broken?", len(out))
	}
	return out
}

func language_(code string) (Language, bool) {
	for _, l := range Languages {
		if l.Code == code {
			return l, true
		}
	}
	return Language{}, false
}

func diff(a, b map[string]message) (onlyA []string) {
	for id := range a {
		if _, ok := b[id]; !ok {
			onlyA = append(onlyA, id)
		}
	}
	slices.Sort(onlyA)
	return onlyA
}

// TestStaffCatalogsAgree: every staff area exists in every staff language
// with exactly the Swedish IDs, and only known languages have files.
func TestStaffCatalogsAgree(t *testing.T) {
	files := catalogFiles(t)
	for area, langs := range files {
		for lang := range langs {
			if _, ok := language_(lang); !ok {
				t.Errorf("%s.%s.toml: %q is not in Languages", area, lang, lang)
			}
		}
		if guardianAreas[area] || area == "easy" {
			continue
		}
		sv := langs["sv"]
		if sv == nil {
			t.Errorf("%s has no Swedish catalog", area)
			continue
		}
		for _, l := range Languages {
			other, ok := langs[l.Code]
			switch {
			case !l.Staff:
				if ok {
					t.Errorf("%s.%s.toml: %s covers only the public pages", area, l.Code, l.Code)
				}
			case !ok:
				t.Errorf("%s.%s.toml is missing", area, l.Code)
			default:
				if ids := diff(sv, other); len(ids) > 0 {
					t.Errorf("%s.%s.toml lacks %v", area, l.Code, ids)
				}
				if ids := diff(other, sv); len(ids) > 0 {
					t.Errorf("%s.%s.toml has IDs Swedish lacks: %v", area, l.Code, ids)
				}
			}
		}
	}
}

// TestPublicCatalogInEveryLanguage: the public pages' catalog is complete in
// every language. Languages without the staff interface also carry the few
// staff messages the public pages show (layout, errors); those must be real
// Swedish IDs, so a typo cannot hide a gap.
func TestPublicCatalogInEveryLanguage(t *testing.T) {
	files := catalogFiles(t)
	allSwedish := map[string]message{}
	for _, langs := range files {
		maps.Copy(allSwedish, langs["sv"])
	}
	for area := range guardianAreas {
		checkGuardianArea(t, area, files[area], allSwedish)
	}
}

// guardianAreas are the catalogs of pages guardians and pupils see, in
// every language: the public pages and the school application (apply).
var guardianAreas = map[string]bool{"public": true, "apply": true}

func checkGuardianArea(t *testing.T, area string, public map[string]map[string]message, allSwedish map[string]message) {
	t.Helper()
	sv := public["sv"]
	for _, l := range Languages {
		cat, ok := public[l.Code]
		if !ok {
			t.Errorf("%s.%s.toml is missing", area, l.Code)
			continue
		}
		if ids := diff(sv, cat); len(ids) > 0 {
			t.Errorf("%s.%s.toml lacks %v", area, l.Code, ids)
		}
		extra := diff(cat, sv)
		if l.Staff && len(extra) > 0 {
			t.Errorf("%s.%s.toml has IDs %s.sv.toml lacks: %v", area, l.Code, area, extra)
		}
		if unknown := diff(pick(cat, extra), allSwedish); len(unknown) > 0 {
			t.Errorf("%s.%s.toml has IDs no Swedish catalog has: %v", area, l.Code, unknown)
		}
	}
}

// TestEasySwedish: easy.sv.toml is Swedish only, and each "easy." message
// stands in for a Swedish message with the same template fields; a filer
// who wrote in easy-to-read Swedish gets it, others the plain text.
func TestEasySwedish(t *testing.T) {
	files := catalogFiles(t)
	easy := files["easy"]
	if len(easy) != 1 || easy["sv"] == nil {
		t.Fatalf("easy.*.toml: want only easy.sv.toml, have %v", slices.Sorted(maps.Keys(easy)))
	}
	allSwedish := map[string]message{}
	for area, langs := range files {
		if area != "easy" {
			maps.Copy(allSwedish, langs["sv"])
		}
	}
	for id, m := range easy["sv"] {
		plain, ok := strings.CutPrefix(id, "easy.")
		if !ok {
			if _, known := allSwedish[id]; known {
				t.Errorf("easy.sv.toml redefines %s", id)
			}
			continue
		}
		orig, ok := allSwedish[plain]
		if !ok {
			t.Errorf("%s stands in for %s, which no Swedish catalog has", id, plain)
			continue
		}
		if got, want := placeholders(m), placeholders(orig); !slices.Equal(got, want) {
			t.Errorf("%s uses %v, %s uses %v", id, got, plain, want)
		}
	}
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	c.RecordMissing()
	l := c.For(EasySwedish)
	if l.Lang != EasySwedish || l.Dir != "ltr" {
		t.Errorf("For(EasySwedish) = %q %q", l.Lang, l.Dir)
	}
	data := map[string]any{"Reference": "BUN 2026/00001", "Link": "L", "Organizer": "O", "AckDue": "A", "AnswerDue": "B"}
	if got, plain := l.T("mail.registered.body", data), c.For("sv").T("mail.registered.body", data); got == plain || !strings.Contains(got, "Länken är bara för dig") {
		t.Errorf("easy registered mail:\n%s", got)
	}
	// Without an easy version, the plain Swedish text, not a gap.
	if got := l.T("field.required"); got != c.For("sv").T("field.required") {
		t.Errorf("easy field.required = %q", got)
	}
	if m := c.Missing(); len(m) > 0 {
		t.Errorf("easy-to-read Swedish recorded gaps: %v", m)
	}
	if FilerLanguage(EasySwedish) != Easy || FilerLanguage("xx").Code != "sv" || len(FilerLanguages()) != len(Languages)+1 {
		t.Error("FilerLanguage(s)")
	}
}

func pick(m map[string]message, ids []string) map[string]message {
	out := map[string]message{}
	for _, id := range ids {
		out[id] = m[id]
	}
	return out
}

var placeholder = regexp.MustCompile(`{{\s*\.([A-Za-z0-9_]+)`)

func placeholders(m message) []string {
	set := map[string]bool{}
	for _, s := range m.texts() {
		for _, p := range placeholder.FindAllStringSubmatch(s, -1) {
			set[p[1]] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// TestTranslationsUseTheSamePlaceholders: a translation names the same
// template fields as the Swedish text, and no text is empty.
func TestTranslationsUseTheSamePlaceholders(t *testing.T) {
	files := catalogFiles(t)
	allSwedish := map[string]message{}
	for _, langs := range files {
		maps.Copy(allSwedish, langs["sv"])
	}
	for area, langs := range files {
		for lang, msgs := range langs {
			for id, m := range msgs {
				for _, s := range m.texts() {
					if strings.TrimSpace(s) == "" {
						t.Errorf("%s.%s.toml: %s is empty", area, lang, id)
					}
				}
				src, ok := allSwedish[id]
				if lang == "sv" || !ok {
					continue
				}
				if got, want := placeholders(m), placeholders(src); !slices.Equal(got, want) {
					t.Errorf("%s.%s.toml: %s uses %v, Swedish %v", area, lang, id, got, want)
				}
			}
		}
	}
}

// TestPluralForms: a plural message has every form its language's CLDR rule
// can pick (sv and en: one, other; ar: zero, one, two, few, many, other),
// plain and plural messages do not mix between languages, and T picks the
// form from Count.
func TestPluralForms(t *testing.T) {
	files := catalogFiles(t)
	n := 0
	for area, langs := range files {
		for lang, msgs := range langs {
			forms := integerForms(language.Make(lang))
			for id, m := range msgs {
				if m.forms == nil {
					continue
				}
				n++
				for f := range forms {
					if _, ok := m.forms[f]; !ok {
						t.Errorf("%s.%s.toml: %s lacks the plural form %q", area, lang, id, f)
					}
				}
				for f := range m.forms {
					if !forms[f] && f != "description" {
						t.Errorf("%s.%s.toml: %s has %q, which %s never uses for whole numbers", area, lang, id, f, lang)
					}
				}
				if sv, ok := langs["sv"][id]; ok && sv.forms == nil {
					t.Errorf("%s.%s.toml: %s is plural, Swedish is not", area, lang, id)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no plural messages found")
	}

	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		lang  string
		count int
		want  string
	}{
		{"sv", 0, "0 ärenden, försenade först"},
		{"sv", 1, "1 ärende, försenade först"},
		{"sv", 2, "2 ärenden, försenade först"},
		{"en", 1, "1 case, overdue first"},
		{"en", 21, "21 cases, overdue first"},
	} {
		if got := c.For(tc.lang).T("cases.caption", "Count", tc.count); got != tc.want {
			t.Errorf("%s, Count %d: %q, want %q", tc.lang, tc.count, got, tc.want)
		}
	}
}

// integerForms returns the CLDR plural forms a language uses for whole
// numbers (T takes Count as an int).
func integerForms(tag language.Tag) map[string]bool {
	names := map[plural.Form]string{plural.Other: "other", plural.Zero: "zero", plural.One: "one",
		plural.Two: "two", plural.Few: "few", plural.Many: "many"}
	out := map[string]bool{}
	for i := range 1000 {
		out[names[plural.Cardinal.MatchPlural(tag, i, 0, 0, 0, 0)]] = true
	}
	return out
}

func TestIntegerForms(t *testing.T) {
	for lang, want := range map[string][]string{
		"sv": {"one", "other"},
		"en": {"one", "other"},
		"so": {"one", "other"},
		"fa": {"one", "other"},
		"ar": {"few", "many", "one", "other", "two", "zero"},
	} {
		if got := slices.Sorted(maps.Keys(integerForms(language.Make(lang)))); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", lang, got, want)
		}
	}
}

func TestMatch(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ choice, accept, want string }{
		{"", "", "sv"},
		{"en", "", "en"},
		{"fa", "en", "fa"},                   // the explicit choice wins
		{"de", "en-GB,en;q=0.9", "en"},       // an unknown choice is ignored
		{"", "ar-SA, en;q=0.5", "ar"},        // regional variants match
		{"", "so;q=0.4, en;q=0.8", "en"},     // quality order
		{"", "de-DE, fr;q=0.9", "sv"},        // nothing matches: Swedish
		{"", "sv-FI", "sv"},                  //
		{"", ";;;garbage", "sv"},             // unparsable header
		{"", "nb, da;q=0.9, en;q=0.1", "en"}, // the first language we speak
	} {
		if got := c.Match(tc.choice, tc.accept); got != tc.want {
			t.Errorf("Match(%q, %q) = %q, want %q", tc.choice, tc.accept, got, tc.want)
		}
	}
	if l := c.For("ar"); l.Lang != "ar" || l.Dir != "rtl" {
		t.Errorf("For(ar) = %s %s", l.Lang, l.Dir)
	}
	if l := c.For("xx"); l.Lang != "sv" || l.Dir != "ltr" {
		t.Errorf("For(xx) = %s %s, want Swedish", l.Lang, l.Dir)
	}
}

func TestT(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	sv, en := c.For("sv"), c.For("en")
	if got := sv.T("field.too_long", "Max", 200); got != "Texten är för lång. Skriv högst 200 tecken." {
		t.Errorf("pairs: %q", got)
	}
	if got := en.T("field.too_long", map[string]any{"Max": 200}); !strings.Contains(got, "200") || strings.Contains(got, "Texten") {
		t.Errorf("map: %q", got)
	}
	// Count is a plain field in messages without plural forms.
	if got := sv.T("dialogue.findings.actions_done", "Done", 0, "Count", 1); got != "0 av 1 åtgärder klara" {
		t.Errorf("Count in a plain message: %q", got)
	}
	if got := sv.T("no.such.message"); got != "no.such.message" {
		t.Errorf("missing ID shows %q, want the ID", got)
	}
}

// TestMissingRecordsGaps: the runtime check the web tests rely on.
func TestMissingRecordsGaps(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	c.For("sv").T("no.such.message") // before recording: forgotten
	if m := c.Missing(); len(m) != 0 {
		t.Fatalf("recorded without RecordMissing: %v", m)
	}
	c.RecordMissing()
	c.For("sv").T("home.feedback.title")
	c.For("ar").T("home.feedback.title")
	c.For("en").T("cases.caption", "Count", 2)
	c.For("en").T("cases.caption", "Count", 1)
	c.For("en").T("dialogue.findings.actions_done", "Done", 1, "Count", 1)
	if m := c.Missing(); len(m) != 0 {
		t.Fatalf("present messages recorded: %v", m)
	}
	c.For("en").T("no.such.message")
	c.For("ar").T("cases.caption", "Count", 2) // a staff message: falls back to Swedish
	c.For("sv").T("cases.caption")             // a plural message without Count
	c.For("en").T("field.too_long", "Mx", 3)   // a misspelt field
	want := []string{"ar cases.caption", "en field.too_long", "en no.such.message", "sv cases.caption"}
	if got := c.Missing(); !slices.Equal(got, want) {
		t.Errorf("Missing() = %v, want %v", got, want)
	}
	if got := c.Missing(); len(got) != 0 {
		t.Errorf("Missing() again = %v, want nothing", got)
	}
}
