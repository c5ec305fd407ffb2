package skolverket

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxFileSize is the largest statistics file ParseCSV reads (64 MB).
const MaxFileSize = 64 << 20

// MaxErrors is how many malformed lines a parse error lists at most.
const MaxErrors = 10

// ParseError is a fatal problem with a file: nothing from it may be
// imported. It names the file and the offending lines.
type ParseError struct {
	File     string
	Problems []Problem
}

func (e *ParseError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: ", e.File)
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		if p.Line > 0 {
			fmt.Fprintf(&b, "line %d: ", p.Line)
		}
		if p.Field != "" {
			fmt.Fprintf(&b, "column %q: ", p.Field)
		}
		b.WriteString(p.Msg)
	}
	return b.String()
}

// unit columns, by normalized header text.
const (
	colName = iota + 1
	colCode
	colMunicipality
	colMunicipalityCode
	colOrganizerType
	colOrganizer
	colOrgNumber
)

var unitColumns = map[string]int{
	"skola":             colName,
	"skolenhet":         colName,
	"skolenhetskod":     colCode,
	"skolkommun":        colMunicipality,
	"kommun":            colMunicipality,
	"kommunkod":         colMunicipalityCode,
	"typavhuvudman":     colOrganizerType,
	"huvudmanstyp":      colOrganizerType,
	"huvudman":          colOrganizer,
	"huvudmanorgnr":     colOrgNumber,
	"huvudmannensorgnr": colOrgNumber,
}

// valueColumns maps normalized header text of Skolverket's statistics
// files to catalogue keys. Variants seen across years are listed.
var valueColumns = map[string]string{
	"antalelever": "pupils_grade9",
	"andel(%)elevervsomuppfylltbetygskriteriernaiallaämnen":       "pass_all_subjects_9",
	"andel(%)eleversomuppfylltbetygskriteriernaiallaämnen":        "pass_all_subjects_9",
	"andel(%)eleversomuppnåttkunskapskraveniallaämnen":            "pass_all_subjects_9",
	"andel(%)eleverbehörigatillyrkesprog.":                        "eligible_vocational_9",
	"andel(%)eleverbehörigatillyrkesprogram":                      "eligible_vocational_9",
	"andel(%)behörigatillyrkesprogram":                            "eligible_vocational_9",
	"andel(%)eleverbehörigatillnaturochteknikprog.":               "eligible_natural_science_9",
	"andel(%)eleverbehörigatillekon,humanistochsamhällsvet.prog.": "eligible_econ_hum_soc_9",
	"andel(%)eleverbehörigatillestetiskaprog.":                    "eligible_arts_9",
	"genomsnittligtmeritvärde(17ämnen)":                           "merit_value_9",
	"genomsnittligtmeritvärde":                                    "merit_value_9",
}

func normHeader(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	var b strings.Builder
	for _, r := range s {
		switch r {
		case ' ', '\u00a0', '\t', '-':
			// "Skol-enhetskod", "Kommun-kod": hyphens are line-break
			// artefacts in Skolverket's headers; spaces vary by year.
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// groupSuffix splits a trailing group word ("flickor", "pojkar") off a
// normalized header.
func groupSuffix(h string) (string, string) {
	for _, g := range []struct{ suffix, group string }{
		{",flickor", GroupGirls}, {"flickor", GroupGirls}, {",pojkar", GroupBoys}, {"pojkar", GroupBoys},
		{",totalt", GroupAll}, {",samtliga", GroupAll},
	} {
		if strings.HasSuffix(h, g.suffix) {
			return strings.TrimSuffix(h, g.suffix), g.group
		}
	}
	return h, ""
}

var (
	yearRe     = regexp.MustCompile(`(?i)^(?:valt\s+)?läsår:?\s*(\d{4}/\d{2})`)
	unitCodeRe = regexp.MustCompile(`^\d{8}$`)
)

type column struct {
	kind  int    // unit column kind, or 0 for a value column
	key   string // catalogue key for value columns; "" = unknown
	group string
	head  string
}

// ParseCSV reads a Skolverket statistics file exactly as downloaded:
// UTF-8 (with or without BOM), preamble lines (the school year is taken
// from "Valt läsår: 2024/25"; the group from the title line: "samtliga
// elever", "flickor", "pojkar"), a header row with a "Skol-enhetskod"
// column, semicolon-separated rows, decimal commas, and the markers "..",
// ".", "~100" and "cirka 210". The table ends at the first empty row;
// the notes after it are ignored.
//
// Columns are recognized by header text; unknown columns are listed in
// Report.UnknownColumns and ignored. A row with a malformed unit code is
// skipped and reported in Report.Problems. A malformed file — wrong
// separator, no header, no known value column, rows with the wrong number
// of fields (truncated lines), or non-numeric junk in a value column —
// gives a *ParseError naming the file and lines, and no data.
func ParseCSV(r io.Reader, name string) (*Data, error) {
	// Statistics files are a few MB at most; reading the whole file lets
	// the value slice be sized once (5,000 units parse in a few ms).
	all, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(all) > MaxFileSize {
		return nil, &ParseError{File: name, Problems: []Problem{{Msg: fmt.Sprintf("file larger than %d MB", MaxFileSize>>20)}}}
	}
	nLines := bytes.Count(all, []byte{'\n'}) + 1
	fail := func(line int, field, msg string) error {
		return &ParseError{File: name, Problems: []Problem{{Line: line, Field: field, Msg: msg}}}
	}
	var (
		lineNo     int
		schoolYear string
		group      = GroupAll
		cols       []column
		headerLine int
		d          = &Data{Report: Report{Missing: map[Status]int{}}, Units: make([]Unit, 0, nLines)}
		errs       []Problem
		units      = map[string]bool{}
		ended      bool
		rowVals    []Value
	)
	for {
		if len(all) == 0 {
			break
		}
		var raw []byte
		if i := bytes.IndexByte(all, '\n'); i >= 0 {
			raw, all = all[:i], all[i+1:]
		} else {
			raw, all = all, nil
		}
		lineNo++
		line := strings.TrimRight(string(raw), "\r")
		if lineNo == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		if !utf8.ValidString(line) {
			return nil, fail(lineNo, "", "not UTF-8 text (save the file as UTF-8)")
		}
		if ended {
			continue
		}
		fields := strings.Split(line, ";")
		if cols == nil {
			first := strings.TrimSpace(fields[0])
			if m := yearRe.FindStringSubmatch(first); m != nil {
				schoolYear = m[1]
			}
			lower := strings.ToLower(first)
			switch {
			case strings.Contains(lower, "flickor"):
				group = GroupGirls
			case strings.Contains(lower, "pojkar"):
				group = GroupBoys
			}
			if isHeader(fields) {
				headerLine = lineNo
				cols = make([]column, len(fields))
				for i, h := range fields {
					n := normHeader(h)
					if k, ok := unitColumns[n]; ok {
						cols[i] = column{kind: k, head: h}
						continue
					}
					base, g := groupSuffix(n)
					if g == "" {
						g = group
					}
					key, ok := valueColumns[base]
					if !ok && strings.TrimSpace(h) != "" {
						d.Report.UnknownColumns = append(d.Report.UnknownColumns, strings.TrimSpace(h))
					}
					cols[i] = column{key: key, group: g, head: strings.TrimSpace(h)}
				}
				if !slicesHasCode(cols) {
					return nil, fail(lineNo, "", "header row has no \"Skol-enhetskod\" column")
				}
				known := 0
				for _, c := range cols {
					if c.key != "" {
						known++
					}
				}
				if known == 0 {
					return nil, fail(lineNo, "", fmt.Sprintf("no known value columns (unknown: %s)", strings.Join(d.Report.UnknownColumns, ", ")))
				}
				d.Values = make([]Value, 0, nLines*known)
				if schoolYear == "" {
					return nil, fail(lineNo, "", "no school year before the header (expected a line \"Valt läsår: 2024/25\")")
				}
				continue
			}
			if strings.Contains(strings.ToLower(line), "skol-enhetskod") || strings.Contains(strings.ToLower(line), "skolenhetskod") {
				return nil, fail(lineNo, "", "wrong separator: the header is not separated by semicolons (;)")
			}
			continue
		}
		if allEmpty(fields) {
			ended = true
			continue
		}
		if len(fields) != len(cols) {
			errs = append(errs, Problem{Line: lineNo, Msg: fmt.Sprintf("%d fields, want %d (truncated or wrongly separated line)", len(fields), len(cols))})
			continue
		}
		var u Unit
		for i, c := range cols {
			v := strings.TrimSpace(fields[i])
			switch c.kind {
			case colName:
				u.Name = v
			case colCode:
				u.Code = v
			case colMunicipality:
				u.Municipality = v
			case colMunicipalityCode:
				u.MunicipalityCode = v
			case colOrganizerType:
				u.OrganizerType = v
			case colOrganizer:
				u.Organizer = v
			case colOrgNumber:
				u.OrgNumber = v
			}
		}
		if u.Code == "" && isNationalRow(u.Name) {
			// Skolverket's reports may carry the national total as a row
			// named "Riket" without a unit code: the national reference
			// value (NationalCode).
			u.Code = NationalCode
		}
		if !unitCodeRe.MatchString(u.Code) && u.Code != NationalCode {
			d.Report.Problems = append(d.Report.Problems, Problem{Line: lineNo, Field: "Skol-enhetskod", Msg: fmt.Sprintf("malformed unit code %q (want 8 digits); row skipped", u.Code)})
			continue
		}
		rowVals = rowVals[:0]
		var pupils *int
		bad := false
		for i, c := range cols {
			if c.kind != 0 || c.key == "" {
				continue
			}
			val, st, perr := ParseValue(fields[i])
			if perr != nil {
				errs = append(errs, Problem{Line: lineNo, Field: c.head, Msg: perr.Error()})
				bad = true
				continue
			}
			rowVals = append(rowVals, Value{UnitCode: u.Code, Indicator: c.key, SchoolYear: schoolYear, Group: c.group,
				Value: val, Status: st, Raw: strings.TrimSpace(fields[i]), Line: lineNo})
			if c.key == "pupils_grade9" && c.group == group && val != nil && (st == StatusOK || st == StatusCirka) {
				n := int(*val)
				pupils = &n
			}
		}
		if bad {
			continue
		}
		if pupils != nil {
			for i := range rowVals {
				if rowVals[i].Indicator != "pupils_grade9" {
					rowVals[i].Pupils = pupils
				}
			}
		}
		d.Report.RowsRead++
		if u.Code == NationalCode {
			d.Values = append(d.Values, rowVals...)
			continue
		}
		if !units[u.Code] {
			units[u.Code] = true
			d.Units = append(d.Units, u)
		}
		for _, v := range rowVals {
			if v.Value == nil {
				d.Report.Missing[v.Status]++
			}
		}
		d.Values = append(d.Values, rowVals...)
	}
	if len(errs) > 0 {
		if len(errs) > MaxErrors {
			more := len(errs) - MaxErrors
			errs = append(errs[:MaxErrors], Problem{Msg: fmt.Sprintf("and %d more", more)})
		}
		return nil, &ParseError{File: name, Problems: errs}
	}
	if cols == nil {
		if lineNo == 0 {
			return nil, fail(0, "", "empty file")
		}
		return nil, fail(0, "", "no header row found (expected a row with a \"Skol-enhetskod\" column, separated by semicolons)")
	}
	if d.Report.RowsRead == 0 && len(d.Report.Problems) == 0 {
		return nil, fail(headerLine, "", "no data rows after the header")
	}
	d.Report.UnitsSeen = len(units)
	d.Report.ValuesRead = len(d.Values)
	sort.Strings(d.Report.UnknownColumns)
	return d, nil
}

func isHeader(fields []string) bool {
	for _, f := range fields {
		if normHeader(f) == "skolenhetskod" {
			return true
		}
	}
	return false
}

func slicesHasCode(cols []column) bool {
	for _, c := range cols {
		if c.kind == colCode {
			return true
		}
	}
	return false
}

func allEmpty(fields []string) bool {
	for _, f := range fields {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// ParseValue reads one Skolverket value: a number with a decimal comma
// ("12,4", also "1 234" with a space as thousands separator), ".." (missing
// or too few pupils), "." (no data), "~100" (approximate) or "cirka 210"
// (rounded). A missing value gives a nil pointer, never zero. Anything
// else is an error.
func ParseValue(raw string) (*float64, Status, error) {
	s := strings.TrimSpace(raw)
	switch s {
	case "..":
		return nil, StatusFew, nil
	case ".", "":
		if s == "" {
			return nil, StatusNoData, nil
		}
		return nil, StatusNoData, nil
	}
	st := StatusOK
	switch {
	case strings.HasPrefix(s, "~"):
		st, s = StatusApprox, strings.TrimSpace(s[1:])
	case strings.HasPrefix(strings.ToLower(s), "cirka"):
		st, s = StatusCirka, strings.TrimSpace(s[len("cirka"):])
	}
	f, ok := parseNumber(s)
	if !ok {
		return nil, st, fmt.Errorf("not a number: %q", raw)
	}
	return &f, st, nil
}

func parseNumber(s string) (float64, bool) {
	if s == "" {
		return 0, false
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			b = append(b, c)
		case c == ',' || c == '.':
			b = append(b, '.')
		case c == '-' && len(b) == 0:
			b = append(b, c)
		case c == ' ':
		case c == 0xc2 && i+1 < len(s) && s[i+1] == 0xa0: // no-break space
			i++
		default:
			return 0, false
		}
	}
	if bytes.Count(b, []byte{'.'}) > 1 {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return 0, false
	}
	return f, true
}

// NationalCode is the unit code given to a file's national total row
// ("Riket"); internal/unitpicture stores it as the national reference value.
const NationalCode = "riket"

// isNationalRow reports whether a row without a unit code is the national
// total ("Riket", "Riket totalt", "Samtliga skolenheter i riket").
func isNationalRow(name string) bool {
	n := strings.ToLower(strings.TrimSpace(name))
	return n == "riket" || n == "riket totalt" || n == "totalt riket" || n == "samtliga skolenheter i riket" || n == "hela riket"
}
