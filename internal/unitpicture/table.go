package unitpicture

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture/skolverket"
)

// Table kinds.
const (
	KindCSV  = "csv"
	KindXLSX = "xlsx"
)

// Limits of own tables. A file is read one row at a time and every row is
// checked against them before it is kept, so memory follows what the table
// holds, not what the file says (a cell in column XFD, a row number near a
// million, a workbook that unpacks to gigabytes).
const (
	MaxTableBytes   = 20 << 20
	MaxTableRows    = 200_000
	MaxTableColumns = 256       // columns with a name or a value
	MaxTableCells   = 2_000_000 // data rows × header columns, each kept as a text
	PreviewRows     = 10

	// MaxCSVFields bounds the fields of one CSV record, empty ones too
	// (Excel's last column is XFD, 16,384): the CSV reader holds a record's
	// fields at once, before they are checked.
	MaxCSVFields = 16_384
	// MaxXLSXUnpacked bounds the parts of a workbook together, unpacked;
	// MaxXLSXPart each part other than the worksheets (those are read as a
	// stream, the others at once), and MaxXLSXParts their number.
	MaxXLSXUnpacked = 64 << 20
	MaxXLSXPart     = 16 << 20
	MaxXLSXParts    = 1000
	// MaxXLSXCells bounds the cell elements of the worksheets, empty ones
	// too, and MaxXLSXRows their row elements (a sheet's last row is
	// 1,048,576): excelize takes some microseconds for each, so these bound
	// the time a workbook can take (about 15 s at the limit).
	MaxXLSXCells = 2_500_000
	MaxXLSXRows  = 1 << 20
)

// Table is an organizer's own file read as text cells: the header and the
// data rows with their line numbers (CSV line, or spreadsheet row).
type Table struct {
	Name    string
	Columns []string
	Rows    [][]string // every data row, padded to len(Columns)
	Lines   []int      // the source line (row) of each data row, 1-based
}

// Preview returns the first n data rows.
func (t *Table) Preview(n int) [][]string { return t.Rows[:min(n, len(t.Rows))] }

// TableError is a file that cannot be read as a table; it names the file and line.
type TableError struct {
	File string
	Line int
	Msg  string // in English

	// ID names the message in the catalogs (unitpicture.table.*) and Args
	// is its template data, so pages can show it in the user's language.
	ID   string
	Args map[string]any
}

// tableError builds a TableError: the English text and its message.
func tableError(name string, line int, msg, id string, args map[string]any) *TableError {
	return &TableError{File: name, Line: line, Msg: msg, ID: id, Args: args}
}

func (e *TableError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s, line %d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// rowSource gives a file's rows one at a time with their line numbers;
// io.EOF after the last. A row's slice is valid until the next call.
type rowSource interface {
	next() (row []string, line int, err error)
	close()
}

// ParseTable reads a CSV (UTF-8, optional BOM; separator ';', ',' or tab,
// detected from the header) or XLSX file (the first sheet). The first
// non-empty row is the header; column names must be non-empty and unique.
// Files beyond the limits above are refused with a TableError naming the
// limit (and the line, where one row crosses it).
func ParseTable(r io.Reader, name, kind string) (*Table, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxTableBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxTableBytes {
		return nil, tableError(name, 0, "the file is larger than 20 MB", "unitpicture.table.too_large", map[string]any{"MB": MaxTableBytes >> 20})
	}
	var src rowSource
	switch kind {
	case KindCSV:
		src, err = openCSV(b, name)
	case KindXLSX:
		src, err = openXLSX(b, name)
	default:
		return nil, tableError(name, 0, fmt.Sprintf("unknown kind %q (want csv or xlsx)", kind), "unitpicture.table.kind", map[string]any{"Kind": strconv.Quote(kind)})
	}
	if err != nil {
		return nil, err
	}
	defer src.close()
	var header []string
	var line int
	for {
		header, line, err = src.next()
		if err == io.EOF {
			return nil, tableError(name, 0, "the file has no header row", "unitpicture.table.no_header", nil)
		}
		if err != nil {
			return nil, err
		}
		if !blank(header) {
			break
		}
	}
	if w := width(header); w > MaxTableColumns {
		return nil, tooManyColumns(name, line)
	}
	t := &Table{Name: name}
	seen := map[string]bool{}
	for i, c := range header {
		c = strings.TrimSpace(c)
		if c == "" {
			// trailing empty header cells are common in exported sheets
			if blankFrom(header, i) {
				break
			}
			return nil, tableError(name, line, fmt.Sprintf("column %d has no name", i+1), "unitpicture.table.column_no_name", map[string]any{"N": i + 1})
		}
		if seen[strings.ToLower(c)] {
			return nil, tableError(name, line, fmt.Sprintf("column %q appears twice", c), "unitpicture.table.column_twice", map[string]any{"Column": strconv.Quote(c)})
		}
		seen[strings.ToLower(c)] = true
		t.Columns = append(t.Columns, c)
	}
	for {
		row, line, err := src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if blank(row) {
			continue
		}
		if len(t.Rows) >= MaxTableRows {
			return nil, tableError(name, 0, fmt.Sprintf("more than %d rows", MaxTableRows), "unitpicture.table.too_many_rows", map[string]any{"Max": MaxTableRows})
		}
		if (len(t.Rows)+1)*len(t.Columns) > MaxTableCells {
			return nil, tableError(name, line, fmt.Sprintf("more than %d cells (rows × columns)", MaxTableCells),
				"unitpicture.table.too_many_cells", map[string]any{"Max": MaxTableCells})
		}
		if width(row) > len(t.Columns) {
			return nil, tableError(name, line, fmt.Sprintf("more cells than the header's %d columns", len(t.Columns)),
				"unitpicture.table.extra_cells", map[string]any{"N": len(t.Columns)})
		}
		cells := make([]string, len(t.Columns))
		for j := range cells {
			if j < len(row) {
				cells[j] = strings.TrimSpace(row[j])
			}
		}
		t.Rows = append(t.Rows, cells)
		t.Lines = append(t.Lines, line)
	}
	return t, nil
}

func tooManyColumns(name string, line int) error {
	return tableError(name, line, fmt.Sprintf("more than %d columns", MaxTableColumns), "unitpicture.table.too_many_columns", map[string]any{"Max": MaxTableColumns})
}

// width is the number of cells up to the row's last non-blank one.
func width(row []string) int {
	for i := len(row) - 1; i >= 0; i-- {
		if strings.TrimSpace(row[i]) != "" {
			return i + 1
		}
	}
	return 0
}

func blank(row []string) bool { return blankFrom(row, 0) }

func blankFrom(row []string, i int) bool {
	for _, c := range row[i:] {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

type csvSource struct {
	cr   *csv.Reader
	name string
}

func openCSV(b []byte, name string) (rowSource, error) {
	b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	if !utf8.Valid(b) {
		return nil, tableError(name, 0, "the file is not UTF-8 text (save it as CSV UTF-8)", "unitpicture.table.not_utf8", nil)
	}
	first, _, _ := strings.Cut(string(b), "\n")
	sep := byte(';')
	best := strings.Count(first, ";")
	if n := strings.Count(first, "\t"); n > best {
		sep, best = '\t', n
	}
	if n := strings.Count(first, ","); n > best {
		sep = ','
	}
	// The CSV reader keeps a whole record's fields before they can be
	// checked: refuse a record with more fields than a spreadsheet has
	// columns before reading.
	var wide int
	csvRecords(b, sep, func(line, fields int) bool {
		if fields > MaxCSVFields {
			wide = line
			return false
		}
		return true
	})
	if wide > 0 {
		return nil, tooManyColumns(name, wide)
	}
	cr := csv.NewReader(bytes.NewReader(b))
	cr.Comma = rune(sep)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	return &csvSource{cr: cr, name: name}, nil
}

func (s *csvSource) next() ([]string, int, error) {
	rec, err := s.cr.Read()
	if err == io.EOF {
		return nil, 0, err
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			if errors.Is(pe.Err, csv.ErrQuote) {
				return nil, 0, tableError(s.name, pe.Line, pe.Err.Error(), "unitpicture.table.quote", nil)
			}
			return nil, 0, tableError(s.name, pe.Line, pe.Err.Error(), "unitpicture.table.syntax", map[string]any{"Detail": pe.Err.Error()})
		}
		return nil, 0, tableError(s.name, 0, err.Error(), "unitpicture.table.cannot_read", map[string]any{"Detail": err.Error()})
	}
	line, _ := s.cr.FieldPos(0)
	return rec, line, nil
}

func (s *csvSource) close() {}

// csvRecords calls fn with the first line and the number of fields of each
// record encoding/csv reads from b (Comma sep, LazyQuotes, no comments,
// leading spaces kept) without keeping the fields, until fn returns false.
// FuzzParseTable checks that it agrees with encoding/csv.
func csvRecords(b []byte, sep byte, fn func(line, fields int) bool) {
	numLine := 0
	// readLine mirrors csv.Reader.readLine: one line with its "\n" (or
	// "\r\n", which csv makes "\n": see endOfLine), a last line's "\r"
	// dropped; eof when nothing was left.
	readLine := func() (line []byte, eof bool) {
		if len(b) == 0 {
			numLine++
			return nil, true
		}
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			line, b = b, nil
			if line[len(line)-1] == '\r' {
				line = line[:len(line)-1]
			}
		} else {
			line, b = b[:i+1], b[i+1:]
		}
		numLine++
		return line, false
	}
	for {
		var line []byte
		var eof bool
		for {
			line, eof = readLine()
			if !eof && endOfLine(line) {
				continue // empty lines are skipped
			}
			break
		}
		if eof {
			return
		}
		recLine, fields := numLine, 0
	field:
		for {
			if len(line) == 0 || line[0] != '"' {
				i := bytes.IndexByte(line, sep)
				fields++
				if i >= 0 {
					line = line[i+1:]
					continue field
				}
				break field
			}
			line = line[1:]
			for {
				i := bytes.IndexByte(line, '"')
				switch {
				case i >= 0:
					line = line[i+1:]
					switch {
					case len(line) > 0 && line[0] == '"':
						line = line[1:]
					case len(line) > 0 && line[0] == sep:
						line = line[1:]
						fields++
						continue field
					case endOfLine(line):
						fields++
						break field
					}
				case len(line) > 0:
					line, eof = readLine()
					if eof {
						line = nil
					}
				default:
					fields++
					break field
				}
			}
		}
		if !fn(recLine, fields) {
			return
		}
	}
}

// endOfLine reports whether nothing but the line's end is left of it.
func endOfLine(rest []byte) bool {
	return len(rest) == 0 || string(rest) == "\n" || string(rest) == "\r\n"
}

type xlsxSource struct {
	f    *excelize.File
	rows *excelize.Rows
	line int
	name string
}

func openXLSX(b []byte, name string) (rowSource, error) {
	notXLSX := tableError(name, 0, "not a readable XLSX file", "unitpicture.table.not_xlsx", nil)
	// The sizes in the zip directory bound what each part unpacks to
	// (archive/zip fails a part that inflates to more than it says).
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, notXLSX
	}
	if len(zr.File) > MaxXLSXParts {
		return nil, tableError(name, 0, fmt.Sprintf("the workbook has more than %d parts", MaxXLSXParts), "unitpicture.table.xlsx_parts", map[string]any{"Max": MaxXLSXParts})
	}
	var total uint64
	for _, zf := range zr.File {
		size := zf.UncompressedSize64
		total += size
		sheet := strings.HasPrefix(strings.ToLower(strings.ReplaceAll(zf.Name, "\\", "/")), "xl/worksheets/sheet")
		if !sheet && size > MaxXLSXPart {
			return nil, tableError(name, 0, fmt.Sprintf("the workbook's part %q unpacks to more than %d MB", zf.Name, MaxXLSXPart>>20),
				"unitpicture.table.xlsx_part", map[string]any{"Part": strconv.Quote(zf.Name), "MB": MaxXLSXPart >> 20})
		}
		if size > MaxXLSXUnpacked || total > MaxXLSXUnpacked {
			return nil, tableError(name, 0, fmt.Sprintf("the workbook unpacks to more than %d MB", MaxXLSXUnpacked>>20),
				"unitpicture.table.xlsx_unpacked", map[string]any{"MB": MaxXLSXUnpacked >> 20})
		}
	}
	var nCells, nRows int
	for _, zf := range zr.File {
		if !strings.HasPrefix(strings.ToLower(strings.ReplaceAll(zf.Name, "\\", "/")), "xl/worksheets/sheet") {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return nil, notXLSX
		}
		c, r, err := countCellTags(rc)
		rc.Close()
		if err != nil {
			return nil, notXLSX
		}
		nCells, nRows = nCells+c, nRows+r
	}
	if nCells > MaxXLSXCells {
		return nil, tableError(name, 0, fmt.Sprintf("the workbook's sheets have more than %d cells", MaxXLSXCells),
			"unitpicture.table.xlsx_cells", map[string]any{"Max": MaxXLSXCells})
	}
	if nRows > MaxXLSXRows {
		return nil, tableError(name, 0, fmt.Sprintf("more than %d rows", MaxXLSXRows), "unitpicture.table.too_many_rows", map[string]any{"Max": MaxXLSXRows})
	}
	// Worksheets over 4 MB are unpacked to a temporary file (removed by
	// Close) and read from there as a stream.
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: MaxXLSXUnpacked, UnzipXMLSizeLimit: 4 << 20})
	if err != nil {
		return nil, notXLSX
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, tableError(name, 0, "the workbook has no sheet", "unitpicture.table.no_sheet", nil)
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, tableError(name, 0, err.Error(), "unitpicture.table.cannot_read", map[string]any{"Detail": err.Error()})
	}
	return &xlsxSource{f: f, rows: rows, name: name}, nil
}

// countCellTags counts the start tags named c and row (with any namespace
// prefix) in a worksheet's XML, fast and without parsing it; tags in
// comments or CDATA count too, which only errs on the safe side.
func countCellTags(r io.Reader) (cells, rows int, err error) {
	buf := make([]byte, 64<<10)
	keep := 0 // bytes of an unfinished tag carried over from the last read
	for {
		n, rerr := io.ReadFull(r, buf[keep:])
		data := buf[:keep+n]
		eof := rerr == io.EOF || rerr == io.ErrUnexpectedEOF
		if rerr != nil && !eof {
			return 0, 0, rerr
		}
		keep = 0
		for i := 0; ; {
			j := bytes.IndexByte(data[i:], '<')
			if j < 0 {
				break
			}
			i += j + 1
			end := bytes.IndexAny(data[i:], " \t\r\n/>")
			if end < 0 {
				if !eof && len(data)-i < 64 {
					keep = copy(buf, data[i-1:])
				}
				break
			}
			tag := data[i : i+end]
			if k := bytes.LastIndexByte(tag, ':'); k >= 0 {
				tag = tag[k+1:]
			}
			switch string(tag) {
			case "c":
				cells++
			case "row":
				rows++
			}
			i += end
		}
		if eof {
			return cells, rows, nil
		}
	}
}

// next reads one row. excelize pads a row with empty cells up to its last
// value, so one row costs at most its column (XFD: 16,384 cells) or, for
// cells without a reference, its own XML; ParseTable checks the row before
// it keeps anything of it.
func (s *xlsxSource) next() ([]string, int, error) {
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return nil, 0, tableError(s.name, 0, err.Error(), "unitpicture.table.cannot_read", map[string]any{"Detail": err.Error()})
		}
		return nil, 0, io.EOF
	}
	s.line++
	row, err := s.rows.Columns()
	if err != nil {
		return nil, 0, tableError(s.name, s.line, err.Error(), "unitpicture.table.cannot_read", map[string]any{"Detail": err.Error()})
	}
	return row, s.line, nil
}

func (s *xlsxSource) close() {
	s.rows.Close()
	s.f.Close()
}

// NewIndicator defines an own indicator created by a mapping.
type NewIndicator struct {
	NameSV       string  `json:"name_sv"`
	NameEN       string  `json:"name_en"`
	Unit         string  `json:"unit"`      // percent, points, ratio, count, index
	Direction    int     `json:"direction"` // 1 higher is better, -1 lower is better, 0 neutral
	Kind         string  `json:"kind"`      // share, mean, ratio, count, index
	PupilSD      float64 `json:"pupil_sd,omitempty"`
	Background   bool    `json:"background"`
	DefinitionSV string  `json:"definition_sv"`
	DefinitionEN string  `json:"definition_en"`
}

// ValueColumn maps one column to an indicator: an existing key, or a new
// own indicator (New set, Indicator its key).
type ValueColumn struct {
	Column    string        `json:"column"`
	Indicator string        `json:"indicator"`
	New       *NewIndicator `json:"new,omitempty"`
}

// Mapping says how an own table's columns become indicator values.
type Mapping struct {
	Name         string        `json:"name"`
	UnitColumn   string        `json:"unit_column"`             // 8-digit unit codes
	YearColumn   string        `json:"year_column,omitempty"`   // "2024/25" or "2024"; or Year
	Year         string        `json:"year,omitempty"`          // a fixed school year
	GroupColumn  string        `json:"group_column,omitempty"`  // all/girls/boys (alla/flickor/pojkar); or Group
	Group        string        `json:"group,omitempty"`         // a fixed group; "all" when both are empty
	PupilsColumn string        `json:"pupils_column,omitempty"` // optional: pupils behind the values
	Values       []ValueColumn `json:"values"`
}

var (
	ownKeyRE = regexp.MustCompile(`^[a-z][a-z0-9_]{1,62}$`)
	units    = []string{"percent", "points", "ratio", "count", "index"}
	kinds    = []string{"share", "mean", "ratio", "count", "index"}
)

// Validate checks the mapping against the table's columns (t may be nil
// to check the mapping alone) and the stored indicators.
func (m *Mapping) Validate(ctx context.Context, q store.Q, t *Table) error {
	v := &app.Validation{}
	m.Name = app.CleanLine(m.Name)
	if m.Name == "" || app.TooLong(m.Name, 100) {
		v.Add("name", "unitpicture.err.mapping_name")
	}
	has := func(c string) bool {
		if t == nil {
			return c != ""
		}
		for _, col := range t.Columns {
			if col == c {
				return true
			}
		}
		return false
	}
	if !has(m.UnitColumn) {
		v.Add("unit_column", "unitpicture.err.column")
	}
	switch {
	case m.YearColumn != "" && !has(m.YearColumn):
		v.Add("year_column", "unitpicture.err.column")
	case m.YearColumn == "":
		if _, ok := normYear(m.Year); !ok {
			v.Add("year", "unitpicture.err.year")
		}
	}
	if m.GroupColumn != "" && !has(m.GroupColumn) {
		v.Add("group_column", "unitpicture.err.column")
	}
	if m.GroupColumn == "" {
		if _, ok := normGroup(m.Group); !ok && m.Group != "" {
			v.Add("group", "unitpicture.err.group")
		}
	}
	if m.PupilsColumn != "" && !has(m.PupilsColumn) {
		v.Add("pupils_column", "unitpicture.err.column")
	}
	if len(m.Values) == 0 {
		v.Add("values", "unitpicture.err.no_values")
	}
	keys := map[string]bool{}
	for i, vc := range m.Values {
		f := fmt.Sprintf("values.%d", i)
		if !has(vc.Column) {
			v.Add(f+".column", "unitpicture.err.column")
		}
		if keys[vc.Indicator] {
			v.Add(f+".indicator", "unitpicture.err.indicator_twice")
		}
		keys[vc.Indicator] = true
		ind, err := IndicatorByKey(ctx, q, vc.Indicator)
		switch {
		case err == nil && vc.New != nil && ind.BuiltIn:
			v.Add(f+".indicator", "unitpicture.err.builtin_key")
		case err == nil:
		case app.Code(err) != app.ENOTFOUND:
			return err
		case vc.New == nil:
			v.Add(f+".indicator", "unitpicture.err.indicator")
		case !ownKeyRE.MatchString(vc.Indicator):
			v.Add(f+".indicator", "unitpicture.err.key")
		default:
			n := vc.New
			if app.CleanLine(n.NameSV) == "" {
				v.Add(f+".name_sv", "unitpicture.err.indicator_name")
			}
			if !contains(units, n.Unit) {
				v.Add(f+".unit", "unitpicture.err.unit")
			}
			if !contains(kinds, n.Kind) {
				v.Add(f+".kind", "unitpicture.err.kind")
			}
			if n.Direction < -1 || n.Direction > 1 {
				v.Add(f+".direction", "unitpicture.err.direction")
			}
		}
	}
	return v.Err()
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// SavedMapping is a stored mapping.
type SavedMapping struct {
	ID        int64
	Mapping   Mapping
	UpdatedAt time.Time
}

// SaveMapping stores m under its name (replacing a mapping of that name).
// Column names are not checked here (there is no file); ImportTable does.
func SaveMapping(ctx context.Context, db store.Q, p *auth.Principal, m Mapping) (int64, error) {
	if !mayImport(p) {
		return 0, app.Forbidden()
	}
	if err := SyncCatalogue(ctx, db); err != nil {
		return 0, err
	}
	if err := m.Validate(ctx, db, nil); err != nil {
		return 0, err
	}
	js, err := json.Marshal(m)
	if err != nil {
		return 0, err
	}
	var by *int64
	if p.Authenticated() {
		by = &p.UserID
	}
	var id int64
	err = db.QueryRow(ctx, `INSERT INTO import_mappings (name, mapping, updated_by, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET mapping = excluded.mapping, updated_by = excluded.updated_by, updated_at = excluded.updated_at
		RETURNING id`, m.Name, string(js), by, store.Now()).Scan(&id)
	return id, err
}

// Mappings returns the saved mappings by name.
func Mappings(ctx context.Context, db store.Q, p *auth.Principal) ([]SavedMapping, error) {
	if !mayImport(p) {
		return nil, app.Forbidden()
	}
	rows, err := db.Query(ctx, "SELECT id, mapping, updated_at FROM import_mappings ORDER BY name")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SavedMapping
	for rows.Next() {
		var s SavedMapping
		var js string
		if err := rows.Scan(&s.ID, &js, &s.UpdatedAt); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(js), &s.Mapping); err != nil {
			return nil, fmt.Errorf("mapping %d: %w", s.ID, err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// ImportTable imports an own table with a mapping: every row is checked
// first (unit code, school year, group, numbers); with any problem nothing
// is imported and the report lists the problems with their line numbers
// (the error is app EINVALID "unitpicture.err.table_rows"). Otherwise new
// own indicators are created and the values imported like Import, with
// source "own:<mapping name>", in one transaction.
func ImportTable(ctx context.Context, db store.Q, p *auth.Principal, t *Table, m Mapping) (*Report, error) {
	if !mayImport(p) {
		return nil, app.Forbidden()
	}
	if err := SyncCatalogue(ctx, db); err != nil {
		return nil, err
	}
	if err := m.Validate(ctx, db, t); err != nil {
		return nil, err
	}
	col := map[string]int{}
	for i, c := range t.Columns {
		col[c] = i
	}
	d := &skolverket.Data{Report: skolverket.Report{RowsRead: len(t.Rows), Missing: map[skolverket.Status]int{}}}
	var problems []skolverket.Problem
	// bad records a row problem: the English text and, for pages, the
	// message unitpicture.table.<id> with the cell's value quoted.
	bad := func(line int, field, format, id, value string) {
		problems = append(problems, skolverket.Problem{Line: line, Field: field, Msg: fmt.Sprintf(format, value),
			ID: "unitpicture.table." + id, Args: map[string]any{"Value": strconv.Quote(value)}})
	}
	units := map[string]bool{}
	for i, row := range t.Rows {
		line := t.Lines[i]
		code := strings.ReplaceAll(row[col[m.UnitColumn]], " ", "")
		if !unitCodeRE.MatchString(code) {
			bad(line, m.UnitColumn, "%q is not an 8-digit unit code", "unit_code", code)
			continue
		}
		year := m.Year
		if m.YearColumn != "" {
			year = row[col[m.YearColumn]]
		}
		sy, ok := normYear(year)
		if !ok {
			bad(line, m.YearColumn, "%q is not a school year like 2024/25", "school_year", year)
			continue
		}
		group := m.Group
		if m.GroupColumn != "" {
			group = row[col[m.GroupColumn]]
		}
		g, ok := normGroup(group)
		if !ok {
			bad(line, m.GroupColumn, "%q is not a group (all, girls, boys)", "group", group)
			continue
		}
		var pupils *int
		if m.PupilsColumn != "" {
			if s := row[col[m.PupilsColumn]]; s != "" && s != ".." && s != "." {
				n, err := strconv.Atoi(strings.ReplaceAll(s, " ", ""))
				if err != nil || n < 0 {
					bad(line, m.PupilsColumn, "%q is not a number of pupils", "pupils", s)
					continue
				}
				pupils = &n
			}
		}
		if !units[code] {
			units[code] = true
			d.Units = append(d.Units, skolverket.Unit{Code: code})
		}
		for _, vc := range m.Values {
			raw := row[col[vc.Column]]
			if raw == "" {
				continue // an empty cell is no value at all
			}
			val := skolverket.Value{UnitCode: code, Indicator: vc.Indicator, SchoolYear: sy, Group: g, Raw: raw, Pupils: pupils, Line: line}
			x, st, ok := parseCell(raw)
			if !ok {
				bad(line, vc.Column, "%q is not a number", "number", raw)
				continue
			}
			val.Value, val.Status = x, st
			if x == nil {
				d.Report.Missing[st]++
			}
			d.Values = append(d.Values, val)
		}
	}
	d.Report.UnitsSeen, d.Report.ValuesRead = len(units), len(d.Values)
	if len(problems) > 0 {
		return &Report{Source: SourceOwn + m.Name, FileName: t.Name, RowsRead: len(t.Rows), Problems: problems},
			app.Errorf(app.EINVALID, "unitpicture.err.table_rows")
	}
	var rep *Report
	err := store.InTx(ctx, db, func(tx *store.Tx) error {
		for _, vc := range m.Values {
			if vc.New == nil {
				continue
			}
			if _, err := IndicatorByKey(ctx, tx, vc.Indicator); err == nil {
				continue // created by an earlier import with this mapping
			}
			n := vc.New
			err := insertIndicator(ctx, tx, skolverket.Indicator{Key: vc.Indicator, NameSV: app.CleanLine(n.NameSV), NameEN: app.CleanLine(n.NameEN),
				Unit: n.Unit, Direction: skolverket.Direction(n.Direction), Kind: n.Kind, PupilSD: n.PupilSD, Background: n.Background,
				SchoolForm: "", Source: "own:" + m.Name, DefinitionSV: app.CleanText(n.DefinitionSV), DefinitionEN: app.CleanText(n.DefinitionEN)}, false)
			if err != nil {
				return err
			}
		}
		var err error
		rep, err = Import(ctx, tx, p, d, SourceOwn+m.Name, t.Name)
		return err
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

var yearOnlyRE = regexp.MustCompile(`^([0-9]{4})$`)

// normYear accepts "2024/25", "2024/2025", "2024-25" and "2024" (the
// school year starting then).
func normYear(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if m := yearOnlyRE.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		return SchoolYear(y), true
	}
	s = strings.Replace(s, "-", "/", 1)
	if len(s) == 9 && s[4] == '/' {
		s = s[:5] + s[7:]
	}
	_, ok := YearStart(s)
	return s, ok
}

func normGroup(s string) (string, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "all", "alla", "totalt", "samtliga":
		return skolverket.GroupAll, true
	case "girls", "flickor", "f":
		return skolverket.GroupGirls, true
	case "boys", "pojkar", "p":
		return skolverket.GroupBoys, true
	}
	return "", false
}

// parseCell reads a number with a decimal comma or point (spaces as
// thousands separators), or a missing marker ("..", ".", "-"): never 0 for
// missing. "~100" and "cirka 210" are approximate values.
func parseCell(raw string) (*float64, skolverket.Status, bool) {
	s := strings.TrimSpace(raw)
	switch s {
	case "..":
		return nil, skolverket.StatusFew, true
	case ".", "-", "–":
		return nil, skolverket.StatusNoData, true
	}
	st := skolverket.StatusOK
	if rest, ok := strings.CutPrefix(s, "~"); ok {
		s, st = strings.TrimSpace(rest), skolverket.StatusApprox
	} else if rest, ok := strings.CutPrefix(strings.ToLower(s), "cirka"); ok {
		s, st = strings.TrimSpace(rest), skolverket.StatusCirka
	}
	s = strings.NewReplacer(" ", "", "\u00a0", "", ",", ".").Replace(strings.TrimSuffix(s, "%"))
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || !finite(x) {
		return nil, "", false
	}
	return &x, st, true
}
