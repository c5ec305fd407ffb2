package org

// CSV import of units and people. Files come from Excel as often as not, so
// the reader accepts what Swedish Excel writes: semicolons (or commas),
// a UTF-8 byte order mark, CRLF line ends and decimal commas. Import is in
// two steps: ParseImport checks every row against the database and writes
// nothing; ImportPlan.Apply writes the valid rows in one transaction.
//
// Lists inside a cell are separated by '|', which is neither column
// separator:
//
//	school_forms  grundskola 1-6|forskoleklass|fritidshem
//	capacity      grundskola 1=50|grundskola 2=50|forskoleklass=40|fritidshem=120
//	units         91234567|91234568
//	categories    meals|school_transport
//
// A school form is its code or its Swedish or English name, optionally
// followed by a year or a year range. A capacity item is a form, optionally
// a year (0 when left out), '=' and the number of places.

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// ImportKind names what an import file holds.
type ImportKind string

const (
	ImportUnits  ImportKind = "units"
	ImportPeople ImportKind = "people"
)

// ImportKinds lists the kinds of import in display order.
var ImportKinds = []ImportKind{ImportUnits, ImportPeople}

// ImportPlan is an import file checked against the database but not yet
// written: the rows Apply would create or update, and the rows it skips
// with the reasons why.
type ImportPlan struct {
	Kind     ImportKind
	Units    []UnitRow   // valid rows of a units file, in file order
	People   []PersonRow // valid rows of a people file, in file order
	NewAreas []string    // areas that Apply creates for the units
	Rejected []RejectedRow

	header headers
}

// UnitRow is a valid row of a units file.
type UnitRow struct {
	Line   int  // physical line in the file; the header is line 1
	Update bool // the unit code exists: Apply updates the unit, else creates it
	Unit   Unit // a new area has AreaID nil and AreaName set
}

// NewArea reports whether Apply creates the row's area.
func (r UnitRow) NewArea() bool { return r.Unit.AreaID == nil && r.Unit.AreaName != "" }

// PersonRow is a valid row of a people file.
type PersonRow struct {
	Line      int
	Update    bool
	Person    Person
	UnitCodes []string // the person's units as the file names them
}

// RejectedRow is a row that cannot be imported and what is wrong with it.
// Each error's Field is the column as the file's header names it.
type RejectedRow struct {
	Line   int
	Errors []app.FieldError
}

// Valid returns the number of rows Apply writes.
func (p *ImportPlan) Valid() int { return len(p.Units) + len(p.People) }

// Updates returns the number of existing units or people Apply updates.
func (p *ImportPlan) Updates() int {
	n := 0
	for _, r := range p.Units {
		if r.Update {
			n++
		}
	}
	for _, r := range p.People {
		if r.Update {
			n++
		}
	}
	return n
}

// Creates returns the number of units or people Apply creates.
func (p *ImportPlan) Creates() int { return p.Valid() - p.Updates() }

// ImportColumn is a column an import file may have: its name, whether
// every file must have it, and other header names that mean the same.
// Headers are matched ignoring case, with spaces and hyphens read as
// underscores, so "E-post" matches "e-post" and "Unit code" "unit_code".
type ImportColumn struct {
	Name     string
	Required bool
	Aliases  []string
}

var (
	nameColumn  = ImportColumn{"name", true, []string{"namn"}}
	emailColumn = ImportColumn{"email", false, []string{"e-post", "epost", "e-mail", "mejl"}}
	phoneColumn = ImportColumn{"phone", false, []string{"telefon", "tel", "telefonnummer"}}
)

// importColumns lists, per kind, the columns a file may have, in the order
// the import page's help shows them.
var importColumns = map[ImportKind][]ImportColumn{
	ImportUnits: {
		nameColumn,
		{"unit_code", true, []string{"skolenhetskod", "enhetskod", "code", "kod"}},
		{"area", false, []string{"område", "omrade"}},
		{"street_address", false, []string{"gatuadress", "adress", "besöksadress", "address"}},
		{"postal_code", false, []string{"postnummer", "postnr"}},
		{"city", false, []string{"ort", "postort"}},
		{"lat", false, []string{"latitud", "latitude"}},
		{"lon", false, []string{"longitud", "longitude", "lng"}},
		emailColumn,
		phoneColumn,
		{"school_forms", true, []string{"skolformer", "skolform", "forms"}},
		{"capacity", false, []string{"kapacitet", "platser"}},
	},
	ImportPeople: {
		nameColumn,
		{"email", true, emailColumn.Aliases},
		{"role", true, []string{"roll"}},
		{"title", false, []string{"titel", "befattning"}},
		phoneColumn,
		{"units", false, []string{"enheter", "skolenheter", "skolenhetskoder", "unit_codes"}},
		{"categories", false, []string{"kategorier", "ärendekategorier"}},
	},
}

// ImportColumns lists the columns a file of the given kind may have.
func ImportColumns(kind ImportKind) []ImportColumn { return slices.Clone(importColumns[kind]) }

// ParseImport reads an import file of the given kind and checks every row
// against the database without writing anything. Rows are matched on unit
// code (units) or email (people): a match is updated, anything else is
// created. When updating, a column the file leaves out keeps its value;
// an empty cell clears it. Problems with the file as a whole (encoding,
// CSV syntax, header) are an *app.Error with code EINVALID and no fields;
// an unknown kind is a field error on "kind". The caller limits the size.
func ParseImport(ctx context.Context, q store.Q, kind ImportKind, r io.Reader) (*ImportPlan, error) {
	cols, ok := importColumns[kind]
	if !ok {
		var v app.Validation
		v.Add("kind", "field.choose")
		return nil, v.Err()
	}
	f, err := readCSV(r, cols)
	if err != nil {
		return nil, err
	}
	p := &ImportPlan{Kind: kind, header: f.header}
	if kind == ImportUnits {
		err = p.parseUnits(ctx, q, f)
	} else {
		err = p.parsePeople(ctx, q, f)
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

func (p *ImportPlan) parseUnits(ctx context.Context, q store.Q, f *csvFile) error {
	forms, err := SchoolForms(ctx, q)
	if err != nil {
		return err
	}
	units, err := ListUnits(ctx, q, auth.AllUnits())
	if err != nil {
		return err
	}
	byCode := make(map[string]Unit, len(units))
	for _, u := range units {
		byCode[u.Code] = u
	}
	areas, err := Areas(ctx, q)
	if err != nil {
		return err
	}
	areaByName := make(map[string]Area, len(areas))
	for _, a := range areas {
		areaByName[strings.ToLower(a.Name)] = a
	}
	firstLine := map[string]int{} // unit code -> line it first appears on
	newAreas := map[string]bool{}
	for _, row := range f.rows {
		e := f.check(row)
		code, _ := f.cell(row, "unit_code")
		u, update := byCode[code]
		if !update {
			u = Unit{Active: true}
		}
		if first, dup := firstLine[code]; dup && code != "" {
			e.add("unit_code", "field.csv_duplicate", map[string]any{"Line": first})
		} else {
			firstLine[code] = row.line
		}
		u.Code = code
		u.Name, _ = f.cell(row, "name")
		if name, ok := f.cell(row, "area"); ok {
			a, known := areaByName[strings.ToLower(name)]
			switch {
			case name == "":
				u.AreaID, u.AreaName = nil, ""
			case known:
				u.AreaID, u.AreaName = &a.ID, a.Name
			default:
				u.AreaID, u.AreaName = nil, name
			}
		}
		for col, dst := range map[string]*string{"street_address": &u.StreetAddress,
			"postal_code": &u.PostalCode, "city": &u.City, "email": &u.Email, "phone": &u.Phone} {
			if v, ok := f.cell(row, col); ok {
				*dst = v
			}
		}
		lat, latOK := f.coord(row, "lat", u.Lat, e)
		lon, lonOK := f.coord(row, "lon", u.Lon, e)
		if latOK && lonOK {
			u.Lat, u.Lon = lat, lon
		} else { // reported; a coordinate pair error would only repeat it
			u.Lat, u.Lon = nil, nil
		}
		cell, _ := f.cell(row, "school_forms")
		u.Forms = parseForms(cell, forms, e)
		if cell, ok := f.cell(row, "capacity"); ok {
			u.Capacity = parseCapacity(cell, forms, e)
		}
		if err := e.addValidation(u.Validate(forms), unitColumn); err != nil {
			return err
		}
		if len(e.fields) > 0 {
			p.Rejected = append(p.Rejected, RejectedRow{Line: row.line, Errors: e.fields})
			continue
		}
		r := UnitRow{Line: row.line, Update: update, Unit: u}
		if key := strings.ToLower(u.AreaName); r.NewArea() && !newAreas[key] {
			newAreas[key] = true
			p.NewAreas = append(p.NewAreas, u.AreaName)
		}
		p.Units = append(p.Units, r)
	}
	return nil
}

// unitColumn maps a field of Unit.Validate or SaveUnit to its column.
func unitColumn(field string) string {
	switch {
	case field == "code":
		return "unit_code"
	case field == "forms" || strings.HasPrefix(field, "forms."):
		return "school_forms"
	case strings.HasPrefix(field, "capacity."):
		return "capacity"
	}
	return field
}

func (p *ImportPlan) parsePeople(ctx context.Context, q store.Q, f *csvFile) error {
	units, err := ListUnits(ctx, q, auth.AllUnits())
	if err != nil {
		return err
	}
	unitIDs := make(map[string]int64, len(units))
	for _, u := range units {
		unitIDs[u.Code] = u.ID
	}
	cats, err := Categories(ctx, q)
	if err != nil {
		return err
	}
	emails := make([]string, 0, len(f.rows))
	for _, row := range f.rows {
		email, _ := f.cell(row, "email")
		emails = append(emails, auth.NormalizeEmail(email))
	}
	existing, err := peopleByEmail(ctx, q, emails)
	if err != nil {
		return err
	}
	me := auth.FromContext(ctx)
	firstLine := map[string]int{}
	for i, row := range f.rows {
		e := f.check(row)
		email := emails[i]
		per, update := existing[email]
		if !update {
			per = Person{Active: true}
		}
		if first, dup := firstLine[email]; dup && email != "" {
			e.add("email", "field.csv_duplicate", map[string]any{"Line": first})
		} else {
			firstLine[email] = row.line
		}
		per.Email = email
		per.Name, _ = f.cell(row, "name")
		roleCell, _ := f.cell(row, "role")
		role, ok := parseRole(roleCell)
		switch {
		case roleCell == "":
			e.add("role", "field.required", nil)
		case !ok:
			e.add("role", "field.csv_role", map[string]any{"Role": roleCell})
		case update && per.ID == me.UserID && role != per.Role:
			e.add("role", "field.self_lockout", nil)
		}
		per.Role = role
		if v, ok := f.cell(row, "title"); ok {
			per.Title = v
		}
		if v, ok := f.cell(row, "phone"); ok {
			per.Phone = v
		}
		var codes []string
		if cell, ok := f.cell(row, "units"); ok {
			codes = splitList(cell)
			per.Units = nil
			for _, code := range codes {
				id, known := unitIDs[code]
				if !known {
					e.add("units", "field.csv_unit_unknown", map[string]any{"Code": code})
				} else if !slices.Contains(per.Units, id) {
					per.Units = append(per.Units, id)
				}
			}
		}
		if cell, ok := f.cell(row, "categories"); ok {
			per.Categories = nil
			for _, item := range splitList(cell) {
				code, known := categoryCode(item, cats)
				if !known {
					e.add("categories", "field.csv_category_unknown", map[string]any{"Code": item})
				} else if !slices.Contains(per.Categories, code) {
					per.Categories = append(per.Categories, code)
				}
			}
		}
		if err := e.addValidation(per.Validate(), func(f string) string { return f }); err != nil {
			return err
		}
		if len(e.fields) > 0 {
			p.Rejected = append(p.Rejected, RejectedRow{Line: row.line, Errors: e.fields})
			continue
		}
		p.People = append(p.People, PersonRow{Line: row.line, Update: update, Person: per, UnitCodes: codes})
	}
	return nil
}

// peopleByEmail reads the people with the given addresses, and only them.
func peopleByEmail(ctx context.Context, q store.Q, emails []string) (map[string]Person, error) {
	out := make(map[string]Person, len(emails))
	for chunk := range slices.Chunk(emails, 500) {
		args := make([]any, len(chunk))
		for i, e := range chunk {
			args[i] = e
		}
		people, err := queryPeople(ctx, q, "p.email IN ("+store.Placeholders(len(chunk))+")", args)
		if err != nil {
			return nil, err
		}
		for _, p := range people {
			out[p.Email] = p
		}
	}
	return out, nil
}

// roleWords are the Swedish words for roles, besides the role names.
var roleWords = map[string]auth.Role{
	"administratör": auth.RoleAdmin,
	"administrator": auth.RoleAdmin,
	"handläggare":   auth.RoleOfficer,
	"tjänsteman":    auth.RoleOfficer,
	"tjänsteperson": auth.RoleOfficer,
	"rektor":        auth.RolePrincipal,
	"analytiker":    auth.RoleAnalyst,
	"nämndledamot":  auth.RoleBoard,
	"ledamot":       auth.RoleBoard,
	"politiker":     auth.RoleBoard,
}

func parseRole(s string) (auth.Role, bool) {
	if r, ok := auth.ParseRole(s); ok {
		return r, true
	}
	r, ok := roleWords[strings.ToLower(strings.TrimSpace(s))]
	return r, ok
}

func categoryCode(s string, cats []Category) (string, bool) {
	for _, c := range cats {
		if strings.EqualFold(s, c.Code) || strings.EqualFold(s, c.NameSV) || strings.EqualFold(s, c.NameEN) {
			return c.Code, true
		}
	}
	return "", false
}

// formCode finds a school form by its code or its Swedish or English name;
// an unknown form is returned as written, for Validate to report.
func formCode(s string, forms []SchoolForm) string {
	for _, f := range forms {
		if strings.EqualFold(s, f.Code) || strings.EqualFold(s, f.NameSV) || strings.EqualFold(s, f.NameEN) {
			return f.Code
		}
	}
	return s
}

// A form item is a form and optionally a year or a year range: "grundskola 1-6".
var formItemRE = regexp.MustCompile(`^(.+?)\s+(\d{1,2})(?:\s*[-–]\s*(\d{1,2}))?$`)

func parseForms(cell string, forms []SchoolForm, e *rowErrors) []UnitForm {
	var out []UnitForm
	for _, item := range splitList(cell) {
		uf := UnitForm{Form: item}
		if m := formItemRE.FindStringSubmatch(item); m != nil {
			from, _ := strconv.Atoi(m[2])
			to := from
			if m[3] != "" {
				to, _ = strconv.Atoi(m[3])
			}
			uf = UnitForm{Form: m[1], YearFrom: &from, YearTo: &to}
		}
		uf.Form = formCode(uf.Form, forms)
		if slices.ContainsFunc(out, func(f UnitForm) bool { return f.Form == uf.Form }) {
			e.add("school_forms", "field.csv_twice", map[string]any{"Item": item})
			continue
		}
		out = append(out, uf)
	}
	return out
}

// A capacity item is a form, optionally a year, and places: "grundskola 1=50".
var capacityItemRE = regexp.MustCompile(`^(.+?)(?:\s+(\d{1,2}))?\s*=\s*(\d{1,6})$`)

func parseCapacity(cell string, forms []SchoolForm, e *rowErrors) []Capacity {
	var out []Capacity
	for _, item := range splitList(cell) {
		m := capacityItemRE.FindStringSubmatch(item)
		if m == nil {
			e.add("capacity", "field.csv_capacity", map[string]any{"Item": item})
			continue
		}
		c := Capacity{Form: formCode(m[1], forms)}
		if m[2] != "" {
			c.Year, _ = strconv.Atoi(m[2])
		}
		c.Places, _ = strconv.Atoi(m[3])
		if slices.ContainsFunc(out, func(o Capacity) bool { return o.Form == c.Form && o.Year == c.Year }) {
			e.add("capacity", "field.csv_twice", map[string]any{"Item": item})
			continue
		}
		out = append(out, c)
	}
	return out
}

// splitList splits a list cell on '|', dropping empty items.
func splitList(cell string) []string {
	var out []string
	for item := range strings.SplitSeq(cell, "|") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// Apply writes the plan's valid rows in one transaction, with an audit
// entry for the import as a whole (SavePerson also audits each person).
// When any row fails, because the database changed since ParseImport,
// nothing is written and the error is an *app.Error "import.err_apply"
// with the line in Data and the row's problems as Fields.
func (p *ImportPlan) Apply(ctx context.Context, db store.Q) (created, updated int, err error) {
	err = store.InTx(ctx, db, func(tx *store.Tx) error {
		var err error
		switch p.Kind {
		case ImportUnits:
			err = p.applyUnits(ctx, tx)
		case ImportPeople:
			err = p.applyPeople(ctx, tx)
		}
		if err != nil {
			return err
		}
		summary := fmt.Sprintf("%d created, %d updated, %d rejected", p.Creates(), p.Updates(), len(p.Rejected))
		if len(p.NewAreas) > 0 {
			summary += fmt.Sprintf(", %d new areas", len(p.NewAreas))
		}
		return audit.Log(ctx, tx, audit.Import, string(p.Kind), "", summary)
	})
	if err != nil {
		return 0, 0, err
	}
	return p.Creates(), p.Updates(), nil
}

func (p *ImportPlan) applyUnits(ctx context.Context, tx *store.Tx) error {
	areaIDs := map[string]int64{} // lower-case name -> id, for areas created here
	for _, r := range p.Units {
		u := r.Unit
		u.Forms = slices.Clone(u.Forms) // SaveUnit normalises in place; leave the plan alone
		if r.NewArea() {
			key := strings.ToLower(u.AreaName)
			id, ok := areaIDs[key]
			if !ok {
				var err error
				if id, err = SaveArea(ctx, tx, Area{Name: u.AreaName}); err != nil {
					return p.rowFailed(r.Line, err, func(string) string { return "area" })
				}
				areaIDs[key] = id
			}
			u.AreaID = &id
		}
		if err := SaveUnit(ctx, tx, &u); err != nil {
			return p.rowFailed(r.Line, err, unitColumn)
		}
	}
	return nil
}

func (p *ImportPlan) applyPeople(ctx context.Context, tx *store.Tx) error {
	for _, r := range p.People {
		per := r.Person
		if err := SavePerson(ctx, tx, &per); err != nil {
			return p.rowFailed(r.Line, err, func(f string) string { return f })
		}
	}
	return nil
}

// rowFailed explains an application error on one row at apply time.
// Other errors (the database) pass through with the line for the log.
func (p *ImportPlan) rowFailed(line int, err error, column func(string) string) error {
	var ae *app.Error
	if !errors.As(err, &ae) || ae.Code == app.EINTERNAL {
		return fmt.Errorf("import line %d: %w", line, err)
	}
	key := "unit_code"
	if p.Kind == ImportPeople {
		key = "email"
	}
	fields := []app.FieldError{{Field: p.header.title(key), MsgID: ae.MsgID, Data: ae.Data}}
	if len(ae.Fields) > 0 {
		fields = make([]app.FieldError, len(ae.Fields))
		for i, f := range ae.Fields {
			fields[i] = app.FieldError{Field: p.header.title(column(f.Field)), MsgID: f.MsgID, Data: f.Data}
		}
	}
	return &app.Error{Code: app.EINVALID, MsgID: "import.err_apply", Data: map[string]any{"Line": line}, Fields: fields}
}

// csvFile is an import file split into rows, with its columns identified.
type csvFile struct {
	index  map[string]int // column name -> position
	header headers
	width  int      // number of named columns
	rows   []csvRow // data rows, blank ones left out
}

// headers maps column names to the headers as written in the file.
type headers map[string]string

// title is how the file names a column; its name when the file lacks it.
func (h headers) title(col string) string {
	if t, ok := h[col]; ok {
		return t
	}
	return col
}

type csvRow struct {
	line  int // physical line the row starts on
	cells []string
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

func fileError(msgID string, data map[string]any) error {
	return &app.Error{Code: app.EINVALID, MsgID: msgID, Data: data}
}

// readCSV reads a whole import file and checks its header against cols.
func readCSV(r io.Reader, cols []ImportColumn) (*csvFile, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if !utf8.Valid(data) {
		return nil, fileError("import.err_encoding", nil)
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = separator(data)
	cr.FieldsPerRecord = -1 // short and long rows are handled per row
	var rows []csvRow
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, fileError("import.err_csv", map[string]any{"Line": pe.Line})
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		if !blank(rec) {
			rows = append(rows, csvRow{line: line, cells: rec})
		}
	}
	if len(rows) == 0 {
		return nil, fileError("import.err_empty", nil)
	}
	f := &csvFile{index: map[string]int{}, header: headers{}}
	header := rows[0].cells
	f.width = len(header)
	for f.width > 0 && strings.TrimSpace(header[f.width-1]) == "" {
		f.width-- // Excel keeps empty columns that were once formatted
	}
	var unknown []string
	for i, h := range header[:f.width] {
		h = strings.TrimSpace(h)
		name, ok := columnName(cols, h)
		switch {
		case h == "":
			return nil, fileError("import.err_header_blank", map[string]any{"Column": i + 1})
		case !ok:
			unknown = append(unknown, h)
		case f.has(name):
			return nil, fileError("import.err_header_twice", map[string]any{"Column": h})
		default:
			f.index[name], f.header[name] = i, h
		}
	}
	if len(unknown) > 0 {
		return nil, fileError("import.err_unknown_columns", map[string]any{"Columns": strings.Join(unknown, ", ")})
	}
	var missing []string
	for _, c := range cols {
		if c.Required && !f.has(c.Name) {
			missing = append(missing, c.Name)
		}
	}
	if len(missing) > 0 {
		return nil, fileError("import.err_missing_columns", map[string]any{"Columns": strings.Join(missing, ", ")})
	}
	f.rows = rows[1:]
	if len(f.rows) == 0 {
		return nil, fileError("import.err_no_rows", nil)
	}
	return f, nil
}

// separator picks the column separator from the first line that is not
// blank, the header: Swedish Excel writes semicolons, most others commas.
func separator(data []byte) rune {
	for line := range bytes.Lines(data) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if bytes.Count(line, []byte(";")) > bytes.Count(line, []byte(",")) {
			return ';'
		}
		break
	}
	return ','
}

func blank(cells []string) bool {
	return !slices.ContainsFunc(cells, func(c string) bool { return strings.TrimSpace(c) != "" })
}

// columnName finds the column a header names (see ImportColumn).
func columnName(cols []ImportColumn, header string) (string, bool) {
	h := headerKey(header)
	for _, c := range cols {
		if h == c.Name || slices.ContainsFunc(c.Aliases, func(a string) bool { return h == headerKey(a) }) {
			return c.Name, true
		}
	}
	return "", false
}

var headerSpace = strings.NewReplacer(" ", "_", "-", "_")

func headerKey(s string) string { return headerSpace.Replace(strings.ToLower(strings.TrimSpace(s))) }

func (f *csvFile) has(col string) bool {
	_, ok := f.index[col]
	return ok
}

// cell returns a row's trimmed value in a column, and whether the file has
// the column. A short row reads as empty cells.
func (f *csvFile) cell(row csvRow, col string) (string, bool) {
	i, ok := f.index[col]
	if !ok || i >= len(row.cells) {
		return "", ok
	}
	return strings.TrimSpace(row.cells[i]), true
}

// coord reads a coordinate with a decimal point or comma. It returns old
// when the file has no such column, and false after reporting a bad value.
func (f *csvFile) coord(row csvRow, col string, old *float64, e *rowErrors) (*float64, bool) {
	s, ok := f.cell(row, col)
	if !ok {
		return old, true
	}
	if s == "" {
		return nil, true
	}
	v, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		e.add(col, "field.csv_number", map[string]any{"Value": s})
		return nil, false
	}
	return &v, true
}

// check starts collecting a row's errors; it reports values beyond the
// named columns, which would otherwise be lost.
func (f *csvFile) check(row csvRow) *rowErrors {
	e := &rowErrors{header: f.header}
	if len(row.cells) > f.width && !blank(row.cells[f.width:]) {
		e.fields = append(e.fields, app.FieldError{MsgID: "field.csv_columns",
			Data: map[string]any{"Want": f.width, "Got": len(row.cells)}})
	}
	return e
}

// rowErrors collects what is wrong with one row, by column.
type rowErrors struct {
	header headers
	fields []app.FieldError
}

func (e *rowErrors) add(col, msgID string, data map[string]any) {
	e.fields = append(e.fields, app.FieldError{Field: e.header.title(col), MsgID: msgID, Data: data})
}

// addValidation adds the field errors of a Validate call, mapping fields
// to columns, except on columns already reported: the cause is there.
func (e *rowErrors) addValidation(err error, column func(string) string) error {
	if err == nil {
		return nil
	}
	var ae *app.Error
	if !errors.As(err, &ae) {
		return err
	}
	reported := map[string]bool{}
	for _, f := range e.fields {
		reported[f.Field] = true
	}
	for _, f := range ae.Fields {
		if col := column(f.Field); !reported[e.header.title(col)] {
			e.add(col, f.MsgID, f.Data)
		}
	}
	return nil
}
