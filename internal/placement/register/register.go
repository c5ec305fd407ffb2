// Package register reads a population-register extract of a year group, as
// a municipality gets it from the tax agency's register (one row per
// child): the child, its guardians with their contact details and custody,
// the address and the home's coordinates in SWEREF 99 TM (n, e), WGS84
// (lat, lon) or none. Pure: no database; internal/placement/round stores
// what Parse returns. Problems are batch.LineErrors by file and line, with
// message IDs (placement.register.*) for pages.
//
// Personal identity numbers are read only to be checked and digested by
// the caller; Parse keeps them in Child.PIN and Guardian.PIN and nowhere
// else.
package register

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/placement/batch"
	"github.com/styrkedjan/styrkedjan/internal/placement/geo"
)

// MaxGuardians is how many guardian column groups (guardian1_… to
// guardian4_…) an extract may have.
const MaxGuardians = 4

// Languages a guardian may read decisions in.
var Languages = []string{"sv", "en", "ar", "so", "fa", "sv-x-easy"}

// How a home's position was given.
const (
	LocatedWGS84  = "wgs84"
	LocatedSweref = "sweref99tm"
)

// A Child is one row of the extract.
type Child struct {
	Line int
	// Key is the child's key when the extract gives one instead of a
	// personal identity number; PIN is the twelve-digit number otherwise.
	Key, PIN      string
	Name          string
	BirthDate     string // YYYY-MM-DD or ""
	Year          int    // -1 when the extract has no year column
	Address       string
	PostalCode    string // five digits
	City          string
	CurrentSchool string
	// Located: the extract gives the home's position (LocatedBy says how),
	// converted to WGS84 in Lat, Lon.
	Located   bool
	LocatedBy string
	Lat, Lon  float64
	Guardians []Guardian
}

// A Guardian is one of a child's guardians.
type Guardian struct {
	Name     string
	Email    string
	Phone    string
	Address  string // where it differs from the child's
	PIN      string // twelve digits or ""
	Language string
	Custody  bool
}

// Columns of an extract. Names are matched without regard to case; the
// separator is a comma or a semicolon (as spreadsheets save Swedish
// files). child_id, name, address, postal_code and city are required, and
// at least guardian1_name; the rest may be left out.
var (
	required = []string{"child_id", "name", "address", "postal_code", "city", "guardian1_name"}
	optional = []string{"birth_date", "year", "current_school", "n", "e", "lat", "lon"}
	perGuard = []string{"name", "email", "phone", "address", "pin", "custody", "language"}
)

// Header is the full header, in the order a template shows it.
func Header() []string {
	h := []string{"child_id", "name", "birth_date", "year", "address", "postal_code", "city", "current_school", "n", "e", "lat", "lon"}
	for k := 1; k <= 2; k++ {
		for _, c := range perGuard {
			h = append(h, fmt.Sprintf("guardian%d_%s", k, c))
		}
	}
	return h
}

type parser struct {
	name string
	cols map[string]int
	cr   *csv.Reader
	errs *batch.Errors
	rec  []string
	line int
}

func (p *parser) add(le *batch.LineError) {
	if len(p.errs.List) < batch.MaxErrors {
		p.errs.List = append(p.errs.List, le)
	} else {
		p.errs.More++
	}
}

// fail records a problem with column col of the current row.
func (p *parser) fail(col, id string, args map[string]any, format string, a ...any) {
	le := &batch.LineError{File: p.name, Line: p.line, Field: col, Msg: fmt.Sprintf(format, a...), ID: id, Args: args}
	if i, ok := p.cols[col]; ok {
		_, le.Column = p.cr.FieldPos(i)
	}
	p.add(le)
}

// get is the trimmed value of column col, "" when the file has no such column.
func (p *parser) get(col string) string {
	if i, ok := p.cols[col]; ok && i < len(p.rec) {
		return strings.TrimSpace(p.rec[i])
	}
	return ""
}

func (p *parser) has(col string) bool { _, ok := p.cols[col]; return ok }

// Parse reads an extract. name is the file's name for messages. Every row
// is checked; on any problem the error is a *batch.Errors (or a
// *batch.LineError about the whole file) and no children come back.
func Parse(r io.Reader, name string) ([]Child, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	}
	first, _ := br.Peek(4096)
	sep := ','
	if line, _, _ := bytes.Cut(first, []byte("\n")); bytes.Count(line, []byte(";")) > bytes.Count(line, []byte(",")) {
		sep = ';'
	}
	cr := csv.NewReader(br)
	cr.Comma = sep
	cr.FieldsPerRecord = -1
	p := &parser{name: name, cols: map[string]int{}, cr: cr, errs: &batch.Errors{}}
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &batch.LineError{File: name, Line: 1, Msg: "empty file: want a header with " + strings.Join(required, ","),
			ID: "placement.register.empty", Args: map[string]any{"Header": strings.Join(required, ",")}}
	}
	if err != nil {
		return nil, &batch.LineError{File: name, Line: 1, Msg: err.Error(), ID: "placement.input.syntax", Args: map[string]any{"Detail": err.Error()}}
	}
	known := append(slices.Clone(required), optional...)
	for k := 1; k <= MaxGuardians; k++ {
		for _, c := range perGuard {
			known = append(known, fmt.Sprintf("guardian%d_%s", k, c))
		}
	}
	p.line = 1
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		switch {
		case !slices.Contains(known, h):
			p.fail("", "placement.register.unknown_column", map[string]any{"Column": strconv.Quote(h)}, "unknown column %q", h)
		case p.has(h):
			p.fail("", "placement.register.column_twice", map[string]any{"Column": strconv.Quote(h)}, "column %q twice", h)
		default:
			p.cols[h] = i
		}
	}
	for _, c := range required {
		if !p.has(c) {
			p.fail("", "placement.register.missing_column", map[string]any{"Column": c}, "no column %s", c)
		}
	}
	for _, pair := range [][2]string{{"n", "e"}, {"lat", "lon"}} {
		if p.has(pair[0]) != p.has(pair[1]) {
			p.fail("", "placement.register.pair", map[string]any{"A": pair[0], "B": pair[1]}, "give both columns %s and %s, or neither", pair[0], pair[1])
		}
	}
	if len(p.errs.List) > 0 {
		return nil, p.errs
	}
	guardians := 0
	for k := 1; k <= MaxGuardians; k++ {
		if p.has(fmt.Sprintf("guardian%d_name", k)) {
			guardians = k
		}
	}

	var out []Child
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if pe, ok := errors.AsType[*csv.ParseError](err); ok {
				p.add(&batch.LineError{File: name, Line: pe.Line, Column: pe.Column, Msg: pe.Err.Error(), ID: "placement.input.syntax", Args: map[string]any{"Detail": pe.Err.Error()}})
				continue
			}
			return nil, &batch.LineError{File: name, Msg: "cannot read: " + err.Error(), ID: "placement.input.cannot_read", Args: map[string]any{"Detail": err.Error()}}
		}
		p.line, _ = cr.FieldPos(0)
		p.rec = rec
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != len(header) {
			p.add(&batch.LineError{File: name, Line: p.line, Msg: fmt.Sprintf("%d fields, want %d", len(rec), len(header)),
				ID: "placement.register.field_count", Args: map[string]any{"Got": len(rec), "Want": len(header)}})
			continue
		}
		c, ok := p.child(guardians)
		if !ok {
			continue
		}
		id := c.Key + c.PIN
		if l, dup := seen[id]; dup {
			p.fail("child_id", "placement.register.duplicate_child", map[string]any{"Line": l}, "the same child as on line %d", l)
			continue
		}
		seen[id] = c.Line
		out = append(out, c)
	}
	if len(p.errs.List) > 0 {
		return nil, p.errs
	}
	if len(out) == 0 {
		return nil, &batch.LineError{File: name, Msg: "no children", ID: "placement.register.no_children"}
	}
	return out, nil
}

var (
	keyPattern    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$`)
	digitsPattern = regexp.MustCompile(`^[0-9]+$`)
	postalPattern = regexp.MustCompile(`^[0-9]{3} ?[0-9]{2}$`)
)

// NormalizePIN strips the separators of a personal identity number
// (199001011234, 19900101-1234, 900101-1234 stays ten digits).
func NormalizePIN(s string) string {
	return strings.NewReplacer("-", "", "+", "", " ", "").Replace(s)
}

// ValidPIN reports whether s (normalized) is a twelve-digit personal
// identity or coordination number with a valid check digit.
func ValidPIN(s string) bool {
	if len(s) != 12 || !digitsPattern.MatchString(s) {
		return false
	}
	sum := 0
	for i, ch := range s[2:] {
		d := int(ch - '0')
		if i%2 == 0 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// pin checks a personal number in column col; "" and true when empty.
func (p *parser) pin(col string) (string, bool) {
	v := NormalizePIN(p.get(col))
	switch {
	case v == "":
		return "", true
	case len(v) == 10 && digitsPattern.MatchString(v):
		p.fail(col, "placement.register.pin_short", nil, "give the personal identity number with twelve digits (the century too)")
		return "", false
	case !ValidPIN(v):
		p.fail(col, "placement.register.pin_invalid", nil, "not a valid personal identity number")
		return "", false
	}
	return v, true
}

func (p *parser) child(guardians int) (Child, bool) {
	ok := true
	c := Child{Line: p.line, Year: -1}
	id := p.get("child_id")
	switch {
	case id == "":
		p.fail("child_id", "placement.input.empty", nil, "empty")
		ok = false
	case digitsPattern.MatchString(NormalizePIN(id)) && len(NormalizePIN(id)) >= 10:
		pin, good := p.pin("child_id")
		c.PIN, ok = pin, ok && good
	case keyPattern.MatchString(id):
		c.Key = id
	default:
		p.fail("child_id", "placement.register.key", map[string]any{"Value": strconv.Quote(id)},
			"%q is neither a personal identity number nor a key (letters, digits, . _ -; at most 40)", id)
		ok = false
	}
	c.Name = app.CleanLine(p.get("name"))
	if c.Name == "" {
		p.fail("name", "placement.input.empty", nil, "empty")
		ok = false
	}
	if b := p.get("birth_date"); b != "" {
		if _, err := time.Parse(time.DateOnly, b); err != nil {
			p.fail("birth_date", "placement.register.date", map[string]any{"Value": strconv.Quote(b)}, "%q is not a date (YYYY-MM-DD)", b)
			ok = false
		}
		c.BirthDate = b
	}
	if p.has("year") {
		y := p.get("year")
		if strings.EqualFold(y, "F") {
			y = "0"
		}
		n, err := strconv.Atoi(y)
		if err != nil || n < 0 || n > 9 {
			p.fail("year", "placement.register.year", map[string]any{"Value": strconv.Quote(y)}, "%q is not a year group (F or 0–9)", y)
			ok = false
		}
		c.Year = n
	}
	c.Address = app.CleanLine(p.get("address"))
	c.City = app.CleanLine(p.get("city"))
	c.CurrentSchool = app.CleanLine(p.get("current_school"))
	pc := p.get("postal_code")
	if pc != "" && !postalPattern.MatchString(pc) {
		p.fail("postal_code", "placement.register.postal_code", map[string]any{"Value": strconv.Quote(pc)}, "%q is not a postal code (five digits)", pc)
		ok = false
	}
	c.PostalCode = strings.ReplaceAll(pc, " ", "")
	if !p.position(&c) {
		ok = false
	}
	if c.Address == "" && !c.Located {
		p.fail("address", "placement.register.nowhere", nil, "neither an address nor coordinates")
		ok = false
	}
	for k := 1; k <= guardians; k++ {
		g, present, good := p.guardian(k)
		ok = ok && good
		if present {
			c.Guardians = append(c.Guardians, g)
		}
	}
	if len(c.Guardians) == 0 && ok {
		p.fail("guardian1_name", "placement.register.no_guardian", nil, "no guardian")
		ok = false
	}
	return c, ok
}

// position reads n,e or lat,lon; a row may give one pair or none.
func (p *parser) position(c *Child) bool {
	num := func(col string) (float64, bool, bool) { // value, given, well-formed
		v := p.get(col)
		if v == "" {
			return 0, false, true
		}
		f, err := strconv.ParseFloat(strings.Replace(v, ",", ".", 1), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			p.fail(col, "placement.input.not_number", map[string]any{"Value": strconv.Quote(v)}, "%q is not a number (use a decimal point)", v)
			return 0, true, false
		}
		return f, true, true
	}
	n, hasN, ok1 := num("n")
	e, hasE, ok2 := num("e")
	lat, hasLat, ok3 := num("lat")
	lon, hasLon, ok4 := num("lon")
	if !(ok1 && ok2 && ok3 && ok4) {
		return false
	}
	switch {
	case hasN != hasE:
		p.fail("n", "placement.register.half_pair", map[string]any{"A": "n", "B": "e"}, "give both %s and %s, or neither", "n", "e")
		return false
	case hasLat != hasLon:
		p.fail("lat", "placement.register.half_pair", map[string]any{"A": "lat", "B": "lon"}, "give both %s and %s, or neither", "lat", "lon")
		return false
	case hasN && hasLat:
		p.fail("n", "placement.register.both_pairs", nil, "give n,e or lat,lon, not both")
		return false
	case hasN:
		if err := geo.CheckSweref(n, e); err != nil {
			s := func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
			if n > 0 && n < e {
				p.fail("n", "placement.input.sweref_swapped", map[string]any{"N": s(n), "E": s(e)}, "northing %s is less than easting %s: are n and e swapped?", s(n), s(e))
			} else {
				p.fail("n", "placement.register.sweref", map[string]any{"N": s(n), "E": s(e)}, "%s, %s is not a SWEREF 99 TM position in metres", s(n), s(e))
			}
			return false
		}
		c.Lat, c.Lon = geo.ToWGS84(n, e)
		c.Located, c.LocatedBy = true, LocatedSweref
	case hasLat:
		if lat < -90 || lat > 90 || lon < -180 || lon > 180 {
			p.fail("lat", "placement.register.wgs84", map[string]any{"Lat": fmt.Sprint(lat), "Lon": fmt.Sprint(lon)}, "%v, %v is not a latitude and longitude", lat, lon)
			return false
		}
		c.Lat, c.Lon = lat, lon
		c.Located, c.LocatedBy = true, LocatedWGS84
	}
	return true
}

// guardian reads guardian k's columns; present is false when all are empty.
func (p *parser) guardian(k int) (g Guardian, present, ok bool) {
	col := func(c string) string { return fmt.Sprintf("guardian%d_%s", k, c) }
	for _, c := range perGuard {
		if p.get(col(c)) != "" {
			present = true
		}
	}
	if !present {
		return g, false, true
	}
	ok = true
	g.Name = app.CleanLine(p.get(col("name")))
	if g.Name == "" {
		p.fail(col("name"), "placement.input.empty", nil, "empty")
		ok = false
	}
	if e := p.get(col("email")); e != "" {
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e || !strings.Contains(e[strings.IndexByte(e, '@'):], ".") {
			p.fail(col("email"), "placement.register.email", map[string]any{"Value": strconv.Quote(e)}, "%q is not an e-mail address", e)
			ok = false
		}
		g.Email = e
	}
	g.Phone = app.CleanLine(p.get(col("phone")))
	g.Address = app.CleanLine(p.get(col("address")))
	pin, good := p.pin(col("pin"))
	g.PIN, ok = pin, ok && good
	g.Custody = true
	switch v := strings.ToLower(p.get(col("custody"))); v {
	case "", "ja", "j", "yes", "y", "1", "true":
	case "nej", "n", "no", "0", "false":
		g.Custody = false
	default:
		p.fail(col("custody"), "placement.register.custody", map[string]any{"Value": strconv.Quote(v)}, "%q: write ja or nej", v)
		ok = false
	}
	g.Language = "sv"
	if l := strings.ToLower(p.get(col("language"))); l != "" {
		if !slices.Contains(Languages, l) {
			p.fail(col("language"), "placement.register.language", map[string]any{"Value": strconv.Quote(l), "Languages": strings.Join(Languages, ", ")},
				"%q is not a language decisions are written in (%s)", l, strings.Join(Languages, ", "))
			ok = false
		}
		g.Language = l
	}
	return g, true, ok
}
