package batch

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/placement/geo"
)

// MaxErrors is how many line errors a file reports at once.
const MaxErrors = 20

// MaxYear is the highest year group accepted (anpassad grundskola has 10).
const MaxYear = 10

// A School is one school from schools.csv with its places per year group.
type School struct {
	ID, Name string
	Lat, Lon float64
	Capacity map[int]int // year group (0 = förskoleklass) → places
	File     string      // the file it came from
	Line     int         // its first line there
}

// An Applicant is one row of applicants.csv.
type Applicant struct {
	ID       string
	Year     int
	Lat, Lon float64
	Choices  []string // school IDs in rank order
	Siblings []string // school IDs where a sibling attends
	File     string
	Line     int
}

// A Point is one row of a points file (id,lat,lon), as the distances
// command reads them.
type Point struct {
	ID       string
	Lat, Lon float64
	File     string
	Line     int
}

// A LineError is a problem at one place in an input file.
type LineError struct {
	File   string
	Line   int    // 1-based; 0 when the whole file is meant
	Column int    // 1-based; 0 when unknown
	Field  string // the column's name, when known
	Msg    string // the English text, as the command line prints it

	// ID names the message in the catalogs (placement.input.*) and Args is
	// its template data, so pages can show it in the user's language; Msg
	// is the same message in English. ID is empty for a message passed on
	// from a parser, which pages then show as Msg.
	ID   string
	Args map[string]any
}

func (e *LineError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is a list of line errors, reported together (at most MaxErrors;
// More counts those left out).
type Errors struct {
	List []*LineError
	More int
}

func (e *Errors) Error() string {
	var b strings.Builder
	for i, l := range e.List {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l.Error())
	}
	if e.More > 0 {
		fmt.Fprintf(&b, "\n… and %d more errors", e.More)
	}
	return b.String()
}

// Unwrap lets errors.As find the individual line errors.
func (e *Errors) Unwrap() []error {
	out := make([]error, len(e.List))
	for i, l := range e.List {
		out[i] = l
	}
	return out
}

func (e *Errors) add(le *LineError) {
	if len(e.List) < MaxErrors {
		e.List = append(e.List, le)
	} else {
		e.More++
	}
}

func (e *Errors) err() error {
	if len(e.List) == 0 {
		return nil
	}
	return e
}

// table reads a comma-separated file with a fixed header. It tolerates a
// UTF-8 byte order mark and CRLF line ends.
type table struct {
	name   string
	header []string
	r      *csv.Reader
	errs   *Errors
	sweref bool // the file gives n,e (SWEREF 99 TM) in place of lat,lon
}

func newTable(r io.Reader, name string, header []string, errs *Errors) (*table, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	t := &table{name: name, header: header, r: cr, errs: errs}
	got, err := cr.Read()
	want := strings.Join(header, ",")
	switch {
	case errors.Is(err, io.EOF):
		return nil, &LineError{File: name, Line: 1, Msg: "empty file: want the header " + want,
			ID: "placement.input.empty_file", Args: map[string]any{"Header": want}}
	case err != nil:
		return nil, t.csvError(err)
	}
	for i := range got {
		got[i] = strings.ToLower(strings.TrimSpace(got[i]))
	}
	if alt := swerefHeader(header); alt != nil && slices.Equal(got, alt) {
		t.header, t.sweref = alt, true
		return t, nil
	}
	if !slices.Equal(got, header) {
		le := &LineError{File: name, Line: 1, Msg: fmt.Sprintf("wrong header %q: want %s", strings.Join(got, ","), want),
			ID: "placement.input.wrong_header", Args: map[string]any{"Got": strconv.Quote(strings.Join(got, ",")), "Header": want}}
		if len(got) == 1 && strings.Contains(got[0], ";") {
			le.Msg = fmt.Sprintf("wrong header %q: the separator must be a comma; want %s", got[0], want)
			le.ID, le.Args = "placement.input.wrong_separator", map[string]any{"Got": strconv.Quote(got[0]), "Header": want}
		}
		return nil, le
	}
	return t, nil
}

func (t *table) csvError(err error) *LineError {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		le := &LineError{File: t.name, Line: pe.Line, Column: pe.Column, Msg: pe.Err.Error()}
		le.ID, le.Args = csvMessage(pe.Err)
		return le
	}
	return cannotRead(t.name, err)
}

// csvMessage names the message of an error from encoding/csv.
func csvMessage(err error) (string, map[string]any) {
	switch {
	case errors.Is(err, csv.ErrBareQuote):
		return "placement.input.bare_quote", nil
	case errors.Is(err, csv.ErrQuote):
		return "placement.input.quote", nil
	}
	return "placement.input.syntax", map[string]any{"Detail": err.Error()}
}

// cannotRead is a file that could not be read at all.
func cannotRead(name string, err error) *LineError {
	return &LineError{File: name, Msg: "cannot read: " + err.Error(),
		ID: "placement.input.cannot_read", Args: map[string]any{"Detail": err.Error()}}
}

// row is one record with its position.
type row struct {
	t      *table
	fields []string
	line   int
}

// next returns the next well-formed row, recording malformed ones; nil at
// the end (or after a read error that stops the file).
func (t *table) next() *row {
	for {
		rec, err := t.r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			t.errs.add(t.csvError(err))
			if _, ok := errors.AsType[*csv.ParseError](err); ok {
				continue // the reader goes on with the next line
			}
			return nil // an I/O error ends the file
		}
		line, _ := t.r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(rec) != len(t.header) {
			t.errs.add(&LineError{File: t.name, Line: line, Msg: fmt.Sprintf("%d fields, want %d (%s)", len(rec), len(t.header), strings.Join(t.header, ",")),
				ID: "placement.input.field_count", Args: map[string]any{"Got": len(rec), "Want": len(t.header), "Header": strings.Join(t.header, ",")}})
			continue
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		return &row{t: t, fields: rec, line: line}
	}
}

// fail records a problem with field i: the message id and its data for
// pages, and the English text (format and args) for the command line.
func (r *row) fail(i int, id string, data map[string]any, format string, args ...any) {
	_, col := r.t.r.FieldPos(i)
	r.t.errs.add(&LineError{File: r.t.name, Line: r.line, Column: col, Field: r.t.header[i], Msg: fmt.Sprintf(format, args...), ID: id, Args: data})
}

func (r *row) str(i int) (string, bool) {
	if r.fields[i] == "" {
		r.fail(i, "placement.input.empty", nil, "empty")
		return "", false
	}
	return r.fields[i], true
}

func (r *row) int(i, min, max int) (int, bool) {
	n, err := strconv.Atoi(r.fields[i])
	if err != nil {
		r.fail(i, "placement.input.not_whole_number", map[string]any{"Value": strconv.Quote(r.fields[i])}, "%q is not a whole number", r.fields[i])
		return 0, false
	}
	if n < min || n > max {
		if min == 0 && n < 0 {
			r.fail(i, "placement.input.negative", map[string]any{"Field": r.t.header[i], "N": n}, "negative %s %d", r.t.header[i], n)
		} else {
			r.fail(i, "placement.input.out_of_range", map[string]any{"N": n, "Min": min, "Max": max}, "%d is out of range %d–%d", n, min, max)
		}
		return 0, false
	}
	return n, true
}

func (r *row) coord(i int, limit float64) (float64, bool) {
	f, err := strconv.ParseFloat(r.fields[i], 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		r.fail(i, "placement.input.not_number", map[string]any{"Value": strconv.Quote(r.fields[i])}, "%q is not a number (use a decimal point)", r.fields[i])
		return 0, false
	}
	if f < -limit || f > limit {
		r.fail(i, "placement.input.coord_out_of_range", map[string]any{"Value": fmt.Sprint(f), "Limit": fmt.Sprint(limit)}, "%v is out of range ±%v", f, limit)
		return 0, false
	}
	return f, true
}

// position reads the coordinates in fields i and i+1: lat,lon in WGS84
// degrees, or n,e in SWEREF 99 TM metres converted to WGS84.
func (r *row) position(i int) (lat, lon float64, ok bool) {
	if !r.t.sweref {
		lat, ok1 := r.coord(i, 90)
		lon, ok2 := r.coord(i+1, 180)
		return lat, lon, ok1 && ok2
	}
	n, ok1 := r.metres(i)
	e, ok2 := r.metres(i + 1)
	if !ok1 || !ok2 {
		return 0, 0, false
	}
	num := func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
	switch {
	case n > 0 && n < e:
		r.fail(i, "placement.input.sweref_swapped", map[string]any{"N": num(n), "E": num(e)},
			"northing %s is less than easting %s: are n and e swapped?", num(n), num(e))
		return 0, 0, false
	case n < geo.MinNorthing || n > geo.MaxNorthing:
		r.fail(i, "placement.input.sweref_range", map[string]any{"Value": num(n)},
			"%s is not a SWEREF 99 TM coordinate in metres", num(n))
		return 0, 0, false
	case e < geo.MinEasting || e > geo.MaxEasting:
		r.fail(i+1, "placement.input.sweref_range", map[string]any{"Value": num(e)},
			"%s is not a SWEREF 99 TM coordinate in metres", num(e))
		return 0, 0, false
	}
	lat, lon = geo.ToWGS84(n, e)
	return lat, lon, true
}

func (r *row) metres(i int) (float64, bool) {
	f, err := strconv.ParseFloat(r.fields[i], 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		r.fail(i, "placement.input.not_number", map[string]any{"Value": strconv.Quote(r.fields[i])}, "%q is not a number (use a decimal point)", r.fields[i])
		return 0, false
	}
	return f, true
}

// swerefHeader is header with n,e in place of lat,lon, or nil when it has
// no lat,lon.
func swerefHeader(header []string) []string {
	i := slices.Index(header, "lat")
	if i < 0 || i+1 >= len(header) || header[i+1] != "lon" {
		return nil
	}
	alt := slices.Clone(header)
	alt[i], alt[i+1] = "n", "e"
	return alt
}

func (r *row) ids(i int) []string {
	if r.fields[i] == "" {
		return nil
	}
	var out []string
	for _, p := range strings.Split(r.fields[i], ";") {
		out = append(out, strings.TrimSpace(p))
	}
	return out
}

var (
	schoolsHeader    = []string{"school_id", "name", "lat", "lon", "year", "capacity"}
	applicantsHeader = []string{"applicant_id", "year", "lat", "lon", "choices", "siblings"}
	pointsHeader     = []string{"id", "lat", "lon"}
)

// Every file may give n,e (SWEREF 99 TM northing and easting in metres,
// EPSG:3006) in place of lat,lon (WGS84 degrees); they are converted to
// WGS84 as they are read.

// ReadSchools reads schools.csv: school_id,name,lat,lon,year,capacity, one
// row per school and year group. Rows of the same school must agree on its
// name and coordinates. name is the file's name for messages. The schools
// come back in the order of their first row.
func ReadSchools(r io.Reader, name string) ([]School, error) {
	errs := &Errors{}
	t, err := newTable(r, name, schoolsHeader, errs)
	if err != nil {
		return nil, err
	}
	var out []School
	byID := map[string]int{}
	for rw := t.next(); rw != nil; rw = t.next() {
		id, ok1 := rw.str(0)
		nm, ok2 := rw.str(1)
		lat, lon, ok3 := rw.position(2)
		ok4 := true
		year, ok5 := rw.int(4, 0, MaxYear)
		capacity, ok6 := rw.int(5, 0, math.MaxInt32)
		if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
			continue
		}
		i, seen := byID[id]
		if !seen {
			byID[id] = len(out)
			out = append(out, School{ID: id, Name: nm, Lat: lat, Lon: lon, Capacity: map[int]int{year: capacity}, File: name, Line: rw.line})
			continue
		}
		s := &out[i]
		switch {
		case s.Name != nm:
			rw.fail(1, "placement.input.school_renamed", map[string]any{"School": strconv.Quote(id), "Name": strconv.Quote(s.Name), "Line": s.Line},
				"school %q is called %q on line %d", id, s.Name, s.Line)
		case s.Lat != lat || s.Lon != lon:
			rw.fail(2, "placement.input.school_moved", map[string]any{"School": strconv.Quote(id), "Line": s.Line},
				"school %q has other coordinates on line %d", id, s.Line)
		default:
			if _, dup := s.Capacity[year]; dup {
				rw.fail(4, "placement.input.school_year_twice", map[string]any{"School": strconv.Quote(id), "Year": year}, "school %q has year %d twice", id, year)
			} else {
				s.Capacity[year] = capacity
			}
		}
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, &LineError{File: name, Msg: "no schools", ID: "placement.input.no_schools"}
	}
	return out, nil
}

// ReadApplicants reads applicants.csv: applicant_id,year,lat,lon,choices,
// siblings, where choices (in rank order) and siblings are school IDs
// separated by semicolons. Every ID must be one of schools.
func ReadApplicants(r io.Reader, name string, schools []School) ([]Applicant, error) {
	errs := &Errors{}
	t, err := newTable(r, name, applicantsHeader, errs)
	if err != nil {
		return nil, err
	}
	known := make(map[string]bool, len(schools))
	for _, s := range schools {
		known[s.ID] = true
	}
	var out []Applicant
	lines := map[string]int{}
	for rw := t.next(); rw != nil; rw = t.next() {
		id, ok1 := rw.str(0)
		year, ok2 := rw.int(1, 0, MaxYear)
		lat, lon, ok3 := rw.position(2)
		ok4 := true
		ok := ok1 && ok2 && ok3 && ok4
		if ok1 {
			if l, dup := lines[id]; dup {
				rw.fail(0, "placement.input.duplicate_applicant", map[string]any{"Applicant": strconv.Quote(id), "Line": l}, "duplicate applicant %q (first on line %d)", id, l)
				ok = false
			} else {
				lines[id] = rw.line
			}
		}
		choices, siblings := rw.ids(4), rw.ids(5)
		for k, c := range choices {
			switch {
			case c == "":
				rw.fail(4, "placement.input.empty_school_id", map[string]any{"Value": strconv.Quote(rw.fields[4])}, "empty school id in %q", rw.fields[4])
				ok = false
			case !known[c]:
				rw.fail(4, "placement.input.unknown_school", map[string]any{"School": strconv.Quote(c)}, "unknown school id %q", c)
				ok = false
			case slices.Contains(choices[:k], c):
				rw.fail(4, "placement.input.chosen_twice", map[string]any{"School": strconv.Quote(c)}, "school %q chosen twice", c)
				ok = false
			}
		}
		for _, c := range siblings {
			if c == "" || !known[c] {
				rw.fail(5, "placement.input.unknown_school", map[string]any{"School": strconv.Quote(c)}, "unknown school id %q", c)
				ok = false
			}
		}
		if ok {
			out = append(out, Applicant{ID: id, Year: year, Lat: lat, Lon: lon, Choices: choices, Siblings: siblings, File: name, Line: rw.line})
		}
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	return out, nil
}

// ReadPoints reads a points file: id,lat,lon with unique ids.
func ReadPoints(r io.Reader, name string) ([]Point, error) {
	errs := &Errors{}
	t, err := newTable(r, name, pointsHeader, errs)
	if err != nil {
		return nil, err
	}
	var out []Point
	lines := map[string]int{}
	for rw := t.next(); rw != nil; rw = t.next() {
		id, ok1 := rw.str(0)
		lat, lon, ok2 := rw.position(1)
		ok3 := true
		if ok1 {
			if l, dup := lines[id]; dup {
				rw.fail(0, "placement.input.duplicate_id", map[string]any{"Value": strconv.Quote(id), "Line": l}, "duplicate id %q (first on line %d)", id, l)
				continue
			}
			lines[id] = rw.line
		}
		if ok1 && ok2 && ok3 {
			out = append(out, Point{ID: id, Lat: lat, Lon: lon, File: name, Line: rw.line})
		}
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, &LineError{File: name, Msg: "no points", ID: "placement.input.no_points"}
	}
	return out, nil
}
