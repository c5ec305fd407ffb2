package batch

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/styrkedjan/styrkedjan/internal/placement"
)

// rulesFile is the TOML form of placement.Rules; see
// testdata/rules.example.toml.
type rulesFile struct {
	Criteria     []string `toml:"criteria"`
	SiblingYears []int    `toml:"sibling_years"`
	Alternative  string   `toml:"alternative"`
	Seed         *int64   `toml:"seed"`
	Resolution   *float64 `toml:"resolution_m"`
	NearHome     []struct {
		From   *int     `toml:"from"`
		To     *int     `toml:"to"`
		Meters *float64 `toml:"meters"`
	} `toml:"near_home"`
}

var typeErrRE = regexp.MustCompile(`^toml: line (\d+) \(last key "([^"]*)"\): (.*)$`)

// ParseCriterion parses a criterion's name as Criterion.String gives it.
func ParseCriterion(s string) (placement.Criterion, bool) {
	for c := placement.Sibling; c <= placement.Lottery; c++ {
		if c.String() == s {
			return c, true
		}
	}
	return 0, false
}

// ReadRules reads placement rules from TOML (see
// testdata/rules.example.toml). Keys left out take the defaults of
// placement.DefaultRules; unknown keys are errors.
func ReadRules(r io.Reader, name string) (placement.Rules, error) {
	src, err := io.ReadAll(r)
	if err != nil {
		return placement.Rules{}, cannotRead(name, err)
	}
	if line, ok := tomlTooDeep(src, MaxRulesNesting); !ok {
		return placement.Rules{}, &LineError{File: name, Line: line, Msg: fmt.Sprintf("nested more than %d levels deep", MaxRulesNesting),
			ID: "placement.input.toml_nesting", Args: map[string]any{"Max": MaxRulesNesting}}
	}
	var f rulesFile
	md, err := toml.Decode(string(src), &f)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return placement.Rules{}, tomlError(name, pe.Position.Line, pe.Position.Col, pe.Message)
		}
		var ppe *toml.ParseError
		if errors.As(err, &ppe) {
			return placement.Rules{}, tomlError(name, ppe.Position.Line, ppe.Position.Col, ppe.Message)
		}
		// Type errors come as text: "toml: line N (last key "k"): ...".
		le := tomlError(name, 0, 0, strings.TrimPrefix(err.Error(), "toml: "))
		if m := typeErrRE.FindStringSubmatch(err.Error()); m != nil {
			le.Line, _ = strconv.Atoi(m[1])
			le.Field, le.Msg, le.Args["Detail"] = m[2], m[3], m[3]
		}
		return placement.Rules{}, le
	}
	errs := &Errors{}
	lines := strings.Split(string(src), "\n")
	// keyLine scans the file, so it is asked only for errors that are kept:
	// once per error it would take time quadratic in the file's size.
	line := func(key string, n int) int {
		if len(errs.List) >= MaxErrors {
			return 0
		}
		return keyLine(lines, key, n)
	}
	fail := func(key, id string, data map[string]any, format string, args ...any) {
		errs.add(&LineError{File: name, Line: line(key, 1), Field: key, Msg: fmt.Sprintf(format, args...), ID: id, Args: data})
	}
	for _, k := range md.Undecoded() {
		errs.add(&LineError{File: name, Line: line(k[len(k)-1], 1), Field: k.String(), Msg: "unknown key", ID: "placement.input.unknown_key"})
	}
	rules := placement.DefaultRules()
	if md.IsDefined("criteria") {
		rules.Criteria = nil
		for _, s := range f.Criteria {
			c, ok := ParseCriterion(s)
			if !ok {
				fail("criteria", "placement.input.unknown_criterion", map[string]any{"Value": strconv.Quote(s)},
					"unknown criterion %q (use sibling, relative_proximity, absolute_proximity, lottery)", s)
				continue
			}
			rules.Criteria = append(rules.Criteria, c)
		}
	}
	for _, y := range f.SiblingYears {
		if y < 0 || y > MaxYear {
			fail("sibling_years", "placement.input.year_out_of_range", map[string]any{"Year": y, "Max": MaxYear}, "year %d is out of range 0–%d", y, MaxYear)
		}
	}
	rules.SiblingYears = f.SiblingYears
	switch f.Alternative {
	case "", "nearest":
		rules.Alternative = placement.Nearest
	case "nearest_with_room":
		rules.Alternative = placement.NearestWithRoom
	default:
		fail("alternative", "placement.input.alternative", map[string]any{"Value": strconv.Quote(f.Alternative)}, "%q: use nearest or nearest_with_room", f.Alternative)
	}
	if f.Seed != nil {
		rules.Seed = *f.Seed
	}
	if f.Resolution != nil {
		if res := *f.Resolution; !(res >= placement.MinResolution && res <= placement.MaxResolution) {
			fail("resolution_m", "placement.input.resolution", map[string]any{"Value": fmt.Sprint(res), "Min": fmt.Sprint(placement.MinResolution), "Max": fmt.Sprint(placement.MaxResolution)},
				"%v m is outside %v–%v m", res, placement.MinResolution, placement.MaxResolution)
		} else {
			rules.Resolution = res
		}
	}
	for i, n := range f.NearHome {
		key := fmt.Sprintf("near_home[%d]", i+1)
		if n.From == nil || n.To == nil || n.Meters == nil {
			errs.add(&LineError{File: name, Line: line("[[near_home]]", i+1), Field: key, Msg: "give from, to and meters", ID: "placement.input.near_home_incomplete"})
			continue
		}
		rules.NearHome = append(rules.NearHome, placement.NearHomeLimit{From: *n.From, To: *n.To, Meters: *n.Meters})
	}
	if len(errs.List) == 0 {
		if err := rules.Validate(); err != nil {
			msg := strings.TrimPrefix(err.Error(), "placement: ")
			errs.add(&LineError{File: name, Msg: msg, ID: "placement.input.rules_invalid", Args: map[string]any{"Detail": msg}})
		}
	}
	if err := errs.err(); err != nil {
		return placement.Rules{}, err
	}
	return rules, nil
}

// MaxRulesNesting bounds how deeply arrays and inline tables may nest in a
// rules file (the rules need two levels: a list of inline tables). The
// TOML decoder takes time that grows faster than the file with nesting
// depth: 16 KB of "[{a=" took 5.7 s, and a rules file may be 64 KB.
const MaxRulesNesting = 8

// tomlTooDeep reports whether src nests arrays and inline tables at most
// max deep ([[table]] headers count as two); if not, the line where it
// goes deeper. Strings and comments are skipped as TOML has them; a
// bracket the scanner mistakes for one only counts against the file.
func tomlTooDeep(src []byte, limit int) (int, bool) {
	depth, line := 0, 1
	for i := 0; i < len(src); i++ {
		switch c := src[i]; c {
		case '\n':
			line++
		case '#':
			for i+1 < len(src) && src[i+1] != '\n' {
				i++
			}
		case '"', '\'':
			q := src[i : i+1]
			if i+2 < len(src) && src[i+1] == c && src[i+2] == c {
				q = src[i : i+3]
			}
			for i += len(q); i < len(src) && !bytes.HasPrefix(src[i:], q); i++ {
				if src[i] == '\n' {
					if len(q) == 1 {
						break // unterminated; the decoder will say so
					}
					line++
				}
				if src[i] == '\\' && c == '"' && i+1 < len(src) {
					if i++; src[i] == '\n' {
						line++
					}
				}
			}
			if i < len(src) && src[i] == '\n' {
				i-- // counted by the loop
				continue
			}
			// the closing quotes; a multi-line string may end in up to two more
			for i += len(q) - 1; len(q) == 3 && i+1 < len(src) && src[i+1] == c; i++ {
			}
		case '[', '{':
			if depth++; depth > limit {
				return line, false
			}
		case ']', '}':
			depth = max(depth-1, 0)
		}
	}
	return 0, true
}

// tomlError is a rules file the TOML decoder refused; its text stays
// English inside a message in the page's language.
func tomlError(name string, line, col int, msg string) *LineError {
	return &LineError{File: name, Line: line, Column: col, Msg: msg, ID: "placement.input.toml", Args: map[string]any{"Detail": msg}}
}

// keyLine finds the line of the n-th (1-based) of lines that sets key (or
// is the table header key), 0 when none; the TOML decoder does not report
// positions of keys.
func keyLine(lines []string, key string, n int) int {
	for i, line := range lines {
		line = strings.TrimSpace(line)
		rest, ok := strings.CutPrefix(line, key)
		if !ok {
			continue
		}
		rest = strings.TrimSpace(rest)
		if strings.HasPrefix(key, "[") || strings.HasPrefix(rest, "=") {
			if n--; n == 0 {
				return i + 1
			}
		}
	}
	return 0
}

// RulesTOML writes rules in the form ReadRules reads (for summaries and
// the web's rules form).
func RulesTOML(r placement.Rules) string {
	var b strings.Builder
	var cs []string
	for _, c := range r.Criteria {
		cs = append(cs, fmt.Sprintf("%q", c.String()))
	}
	fmt.Fprintf(&b, "criteria = [%s]\n", strings.Join(cs, ", "))
	if len(r.SiblingYears) > 0 {
		var ys []string
		for _, y := range r.SiblingYears {
			ys = append(ys, fmt.Sprint(y))
		}
		fmt.Fprintf(&b, "sibling_years = [%s]\n", strings.Join(ys, ", "))
	}
	fmt.Fprintf(&b, "alternative = %q\nseed = %d\nresolution_m = %v\n", r.Alternative.String(), r.Seed, r.DistanceResolution())
	for _, l := range r.NearHome {
		fmt.Fprintf(&b, "\n[[near_home]]\nfrom = %d\nto = %d\nmeters = %v\n", l.From, l.To, l.Meters)
	}
	return b.String()
}
