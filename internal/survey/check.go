package survey

import (
	_ "embed"
	"net/mail"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

func mailAddress(s string) (*mail.Address, error) { return mail.ParseAddress(s) }

// A Flag is something in a free text that may identify a person: a
// name, an e-mail address or a telephone number, at bytes [Start, End).
type Flag struct {
	Kind       string // name, email, phone
	Start, End int
}

//go:embed names.txt
var namesTxt string

var names = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range strings.Fields(namesTxt) {
		m[strings.ToLower(n)] = true
	}
	return m
}()

var (
	emailRE = regexp.MustCompile(`[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}`)
	phoneRE = regexp.MustCompile(`(?:\+|\b)\d(?:[\s-]?\d){6,}\b`)
	wordRE  = regexp.MustCompile(`\p{L}[\p{L}'-]*`)
)

// Check finds what in a free text may identify someone: e-mail addresses,
// telephone numbers (seven digits or more, spaces and dashes between
// them), and names — words of a list of common first names in any case,
// and capitalised words that do not begin a sentence (a heuristic: it
// flags too much rather than too little; a reader releases what is
// harmless). The flags are sorted and do not overlap.
func Check(text string) []Flag {
	var out []Flag
	taken := func(s, e int) bool {
		for _, f := range out {
			if s < f.End && f.Start < e {
				return true
			}
		}
		return false
	}
	for _, m := range emailRE.FindAllStringIndex(text, -1) {
		out = append(out, Flag{"email", m[0], m[1]})
	}
	for _, m := range phoneRE.FindAllStringIndex(text, -1) {
		if !taken(m[0], m[1]) {
			out = append(out, Flag{"phone", m[0], m[1]})
		}
	}
	for _, m := range wordRE.FindAllStringIndex(text, -1) {
		w := text[m[0]:m[1]]
		if taken(m[0], m[1]) {
			continue
		}
		first, _ := utf8.DecodeRuneInString(w)
		if names[strings.ToLower(w)] || (unicode.IsUpper(first) && !sentenceStart(text[:m[0]]) && utf8.RuneCountInString(w) > 1) {
			out = append(out, Flag{"name", m[0], m[1]})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}

// sentenceStart reports whether a word after before begins a sentence.
func sentenceStart(before string) bool {
	t := strings.TrimRightFunc(before, func(r rune) bool { return unicode.IsSpace(r) || r == '"' || r == '(' || r == '«' || r == '”' })
	if t == "" {
		return true
	}
	last, _ := utf8.DecodeLastRuneInString(t)
	return strings.ContainsRune(".!?:\n-–", last)
}

// Mask replaces each flagged part of text with "•••".
func Mask(text string, flags []Flag) string {
	var b strings.Builder
	at := 0
	for _, f := range flags {
		b.WriteString(text[at:f.Start])
		b.WriteString("•••")
		at = f.End
	}
	b.WriteString(text[at:])
	return b.String()
}

func flagNames(flags []Flag) string {
	var kinds []string
	for _, f := range flags {
		if !strings.Contains(" "+strings.Join(kinds, " ")+" ", " "+f.Kind+" ") {
			kinds = append(kinds, f.Kind)
		}
	}
	return strings.Join(kinds, " ")
}
