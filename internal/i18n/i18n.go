// Package i18n holds every user-facing string in message catalogs
// (locales/AREA.LANG.toml) and picks the user's language.
// Swedish is the default; a new language is a new catalog file plus an entry
// in Languages.
package i18n

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed locales/*.toml
var locales embed.FS

// Language is a language the user interface speaks.
type Language struct {
	Code  string // BCP 47, e.g. "sv"
	Name  string // its own name, e.g. "Svenska"
	Dir   string // "ltr" or "rtl"
	Staff bool   // the whole staff interface is translated; else only the public pages
}

// Languages lists the UI languages; the first is the default. Languages
// without Staff cover the pages for guardians and pupils (catalogs
// public.LANG.toml); elsewhere they fall back to Swedish.
var Languages = []Language{
	{Code: "sv", Name: "Svenska", Dir: "ltr", Staff: true},
	{Code: "en", Name: "English", Dir: "ltr", Staff: true},
	{Code: "ar", Name: "العربية", Dir: "rtl"},
	{Code: "so", Name: "Soomaali", Dir: "ltr"},
	{Code: "fa", Name: "فارسی", Dir: "rtl"},
}

// EasySwedish is easy-to-read Swedish (lättläst). It is not a language of
// the interface: it is the language of a filer who wrote through the
// easy-to-read page (or whom staff registered so), and what is written to
// them — mails, the answer letter — uses the message "easy."+ID from
// easy.sv.toml where there is one, else the plain Swedish message.
const EasySwedish = "sv-x-easy"

// Easy describes EasySwedish.
var Easy = Language{Code: EasySwedish, Name: "Lätt svenska", Dir: "ltr"}

// FilerLanguages are the languages a case can be filed in: Languages and
// easy-to-read Swedish.
func FilerLanguages() []Language { return append(slices.Clip(Languages), Easy) }

// FilerLanguage returns the filer language with the code, or Swedish.
func FilerLanguage(code string) Language {
	for _, l := range FilerLanguages() {
		if l.Code == code {
			return l
		}
	}
	return Languages[0]
}

// Catalog is the loaded set of message catalogs.
type Catalog struct {
	bundle  *goi18n.Bundle
	matcher language.Matcher
	plural  map[string]bool // IDs with plural forms in some language
	easy    map[string]bool // IDs with an easy-to-read Swedish version ("easy."+ID)
	simple  simpleMessages  // T's fast path (fast.go)

	recording atomic.Bool
	mu        sync.Mutex
	missing   map[string]bool // "LANG ID" asked for but not given in LANG
}

// Load reads the embedded catalogs.
func Load() (*Catalog, error) {
	b := goi18n.NewBundle(language.Swedish)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	// Files are named AREA.LANG.toml (e.g. platform.sv.toml), so each
	// capability keeps its own strings; go-i18n reads the language from the name.
	files, err := fs.Glob(locales, "locales/*.toml")
	if err != nil {
		return nil, err
	}
	plural, easy, simple := map[string]bool{}, map[string]bool{}, simpleMessages{}
	for _, f := range files {
		mf, err := b.LoadMessageFileFS(locales, f)
		if err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
		for _, m := range mf.Messages {
			if id, ok := strings.CutPrefix(m.ID, "easy."); ok {
				easy[id] = true
			}
			if m.Zero != "" || m.One != "" || m.Two != "" || m.Few != "" || m.Many != "" {
				plural[m.ID] = true
			}
			simple.add(mf.Tag.String(), m.ID, m.Other)
		}
	}
	var tags []language.Tag
	for _, l := range Languages {
		tags = append(tags, language.Make(l.Code))
	}
	return &Catalog{bundle: b, matcher: language.NewMatcher(tags), plural: plural, easy: easy, simple: simple}, nil
}

// Match picks a supported language from an explicit choice (cookie or
// query) and then the Accept-Language header; Swedish when nothing matches.
func (c *Catalog) Match(choice, acceptLanguage string) string {
	for _, l := range Languages {
		if l.Code == choice {
			return l.Code
		}
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return Languages[0].Code
	}
	_, i, conf := c.matcher.Match(tags...)
	if conf == language.No {
		return Languages[0].Code
	}
	return Languages[i].Code
}

// Localizer translates into one language.
type Localizer struct {
	Lang string
	Dir  string
	base string // the catalog's language: Lang, or sv for EasySwedish
	easy bool   // prefer the "easy." messages
	cat  *Catalog
	loc  *goi18n.Localizer
}

// For returns a localizer for a supported language code, or for
// EasySwedish; other codes get Swedish.
func (c *Catalog) For(lang string) *Localizer {
	l := Languages[0]
	for _, cand := range Languages {
		if cand.Code == lang {
			l = cand
		}
	}
	base := l.Code
	if lang == EasySwedish {
		l = Easy
	}
	return &Localizer{Lang: l.Code, Dir: l.Dir, base: base, easy: lang == EasySwedish, cat: c,
		loc: goi18n.NewLocalizer(c.bundle, base, Languages[0].Code)}
}

// RecordMissing makes the catalog remember every message that a Localizer
// was asked for and could not give in its own language: IDs missing from
// every catalog, messages that fell back to Swedish, and templates that
// failed or lacked a field ("<no value>", for example a plural message
// without a Count). Tests turn it on and read Missing after exercising
// the pages.
func (c *Catalog) RecordMissing() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.missing == nil {
		c.missing = map[string]bool{}
	}
	c.recording.Store(true)
}

// Missing returns what was recorded since RecordMissing, sorted, as
// "LANG ID" entries, and forgets it.
func (c *Catalog) Missing() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for k := range c.missing {
		out = append(out, k)
	}
	clear(c.missing)
	slices.Sort(out)
	return out
}

func (c *Catalog) record(lang, id string) {
	if !c.recording.Load() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.missing != nil {
		c.missing[lang+" "+id] = true
	}
}

// T translates a message ID. Template data comes as one map or as
// alternating key/value pairs: T("field.password_short", "Min", 10).
// A missing message shows its ID, so gaps are visible (and caught by tests).
func (l *Localizer) T(id string, args ...any) string {
	if l.easy && l.cat != nil && l.cat.easy[id] {
		id = "easy." + id
	}
	if l.cat != nil && !l.cat.plural[id] {
		if m := l.cat.simple[l.base][id]; m != nil {
			if s, ok := m.execute(args); ok {
				return s
			}
		}
	}
	return l.slowT(id, templateData(args))
}

// templateData turns T's arguments into go-i18n's template data.
func templateData(args []any) map[string]any {
	switch {
	case len(args) == 1:
		data, _ := args[0].(map[string]any)
		return data
	case len(args) > 1:
		data := make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			k, ok := args[i].(string)
			if !ok {
				k = fmt.Sprint(args[i])
			}
			data[k] = args[i+1]
		}
		return data
	}
	return nil
}

// slowT is T through go-i18n: every message, plural forms, fallbacks to
// Swedish and the recording of gaps.
func (l *Localizer) slowT(id string, data map[string]any) string {
	cfg := &goi18n.LocalizeConfig{MessageID: id, TemplateData: data}
	// Count picks the plural form of plural messages; other messages may
	// use it as a plain field.
	if n, ok := data["Count"].(int); ok && l.cat != nil && l.cat.plural[id] {
		cfg.PluralCount = n
	}
	s, tag, err := l.loc.LocalizeWithTag(cfg)
	if l.cat != nil && (err != nil || !strings.HasPrefix(tag.String(), l.base) || strings.Contains(s, "<no value>")) {
		l.cat.record(l.Lang, id)
	}
	if err != nil && s == "" {
		return id
	}
	return s
}

// Has reports whether the catalog for lang defines id (for tests).
func (c *Catalog) Has(lang, id string) bool {
	_, tag, err := goi18n.NewLocalizer(c.bundle, lang).LocalizeWithTag(&goi18n.LocalizeConfig{MessageID: id})
	return err == nil && strings.HasPrefix(tag.String(), lang)
}
