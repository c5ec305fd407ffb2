package app

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// CleanText prepares free text from a user for storage: invalid UTF-8 is
// replaced, line breaks are normalised to "\n", control characters other
// than newline and tab (and the Unicode line and paragraph separators) are
// dropped, and the text is trimmed.
func CleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// CleanLine is CleanText for one-line fields: all white space becomes
// single spaces.
func CleanLine(s string) string { return strings.Join(strings.Fields(CleanText(s)), " ") }

// TooLong reports whether s has more than max characters.
func TooLong(s string, max int) bool { return utf8.RuneCountInString(s) > max }
