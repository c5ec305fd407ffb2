package i18n

import (
	"strconv"
	"strings"
)

// The fast path of Localizer.T. Nearly every message is plain text with
// {{.Field}} substitutions. go-i18n finds such a message by matching
// languages and prints it through text/template on every call, which
// is what a placement run's 30,000 explanation texts spent most of their
// time on (issue 18). T instead substitutes the fields itself, for
// messages that exist in the localizer's own language, have no plural
// forms and use nothing but {{.Field}}, when every field is given as a
// string or an integer. Anything else (a missing message or field, a
// fallback to Swedish, {{if}}, other value types) goes through go-i18n
// as before, so the output and the recording of gaps are the same;
// TestFastPathMatchesGoI18n compares the two on every message.

// simpleMessage is a message split into literal text and field names:
// parts[0] field[0] parts[1] field[1] ... parts[len(fields)].
type simpleMessage struct {
	parts  []string
	fields []string
}

// compileSimple splits a message text, or reports that it is not one
// that the fast path can print exactly as text/template would.
func compileSimple(text string) (*simpleMessage, bool) {
	m := &simpleMessage{}
	for {
		i := strings.Index(text, "{{")
		if i < 0 {
			m.parts = append(m.parts, text)
			return m, true
		}
		j := strings.Index(text[i:], "}}")
		if j < 0 {
			return nil, false
		}
		action := text[i+2 : i+j]
		field, ok := simpleField(action)
		if !ok {
			return nil, false
		}
		m.parts = append(m.parts, text[:i])
		m.fields = append(m.fields, field)
		text = text[i+j+2:]
	}
}

// simpleField accepts an action of the form " .Name " (spaces but no
// trim markers) and returns Name.
func simpleField(action string) (string, bool) {
	if strings.HasPrefix(action, "-") || strings.HasSuffix(action, "-") {
		return "", false
	}
	a := strings.Trim(action, " ")
	if len(a) < 2 || a[0] != '.' {
		return "", false
	}
	name := a[1:]
	for k, r := range name {
		letter := r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !letter && (k == 0 || r < '0' || r > '9') {
			return "", false
		}
	}
	return name, true
}

// execute prints the message with T's arguments (one map, or key/value
// pairs), or reports false when a field is missing or of a type whose
// printing it leaves to text/template.
func (m *simpleMessage) execute(args []any) (string, bool) {
	if len(m.fields) == 0 {
		return m.parts[0], true
	}
	n := 0
	for _, p := range m.parts {
		n += len(p)
	}
	b := make([]byte, 0, n+16*len(m.fields))
	for k, f := range m.fields {
		b = append(b, m.parts[k]...)
		switch v := argument(args, f).(type) {
		case string:
			b = append(b, v...)
		case int:
			b = strconv.AppendInt(b, int64(v), 10)
		case int64:
			b = strconv.AppendInt(b, v, 10)
		default:
			return "", false
		}
	}
	b = append(b, m.parts[len(m.parts)-1]...)
	return string(b), true
}

// simpleMessages holds the fast path's messages per language: lang →
// ID → message, or nil for a message T must leave to go-i18n. It is
// built by Load and only read afterwards.
type simpleMessages map[string]map[string]*simpleMessage

func (s simpleMessages) add(lang, id, text string) {
	if s[lang] == nil {
		s[lang] = map[string]*simpleMessage{}
	}
	m, ok := compileSimple(text)
	if !ok {
		m = nil
	}
	s[lang][id] = m
}

// argument finds a field in T's arguments: the value of key name in one
// map, or of the last pair whose key is name (as building the map would
// give); nil when it is not there.
func argument(args []any, name string) any {
	if len(args) == 1 {
		data, _ := args[0].(map[string]any)
		return data[name]
	}
	var v any
	for i := 0; i+1 < len(args); i += 2 {
		if k, ok := args[i].(string); ok && k == name {
			v = args[i+1]
		}
	}
	return v
}
