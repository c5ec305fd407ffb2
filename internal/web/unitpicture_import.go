package web

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture"
)

// The import of the organizer's own data (CSV or XLSX): upload → preview
// with the columns and a mapping form → commit. The uploaded file travels
// base64-encoded in a hidden field from the preview to the commit, so
// nothing is stored until the commit, which imports all rows or none.

const upImportMaxBytes = 5 << 20 // the largest file accepted from the page

// upImportPage is the data of the import page.
type upImportPage struct {
	upPage
	Mappings []unitpicture.SavedMapping
	Runs     []unitpicture.Run
	MaxMB    int

	// After an upload: the table and the file to carry to the commit.
	Table    *unitpicture.Table
	Preview  [][]string
	Data     string // base64 of the file
	FileName string
	Kind     string

	Problems []upProblem // row problems of a failed commit
	Report   *unitpicture.Report
	Saved    bool
	Units    []string // unit of measure choices
	Kinds    []string // kinds of indicator
}

type upProblem struct {
	Line   int
	Column string
	Msg    string
}

// Col returns the form field name of column i's mapping.
func (upImportPage) Col(i int, suffix string) string {
	if suffix == "" {
		return "c" + strconv.Itoa(i)
	}
	return "c" + strconv.Itoa(i) + "_" + suffix
}

func (s *Server) upImportForm(w http.ResponseWriter, r *http.Request) error {
	return s.upImportRender(w, r, &upImportPage{upPage: upPage{Values: map[string]string{}}}, nil)
}

// upImportRender fills the lists every state of the page shows and renders it.
func (s *Server) upImportRender(w http.ResponseWriter, r *http.Request, page *upImportPage, err error) error {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	var lerr error
	if page.Mappings, lerr = unitpicture.Mappings(ctx, s.db, p); lerr != nil {
		return lerr
	}
	if page.Runs, lerr = unitpicture.Runs(ctx, s.db, p, 10); lerr != nil {
		return lerr
	}
	if page.Indicators, lerr = upIndicators(ctx, s); lerr != nil {
		return lerr
	}
	page.MaxMB = upImportMaxBytes >> 20
	page.Units = []string{"percent", "points", "ratio", "count", "index"}
	page.Kinds = []string{"share", "mean", "ratio", "count", "index"}
	return s.renderForm(w, r, "unitpicture_import", formData{Values: page.Values, Extra: page}, err)
}

// upImportPreview reads the uploaded file and shows its columns, its first
// rows and the mapping form (filled from a saved mapping when one was chosen).
func (s *Server) upImportPreview(w http.ResponseWriter, r *http.Request) error {
	page := &upImportPage{upPage: upPage{Values: map[string]string{}}}
	r.Body = http.MaxBytesReader(w, r.Body, upImportMaxBytes+64<<10)
	if err := r.ParseMultipartForm(upImportMaxBytes + 64<<10); err != nil {
		return s.upImportRender(w, r, page, upFileError(err))
	}
	defer r.MultipartForm.RemoveAll()
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return s.upImportRender(w, r, page, upFileError(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, upImportMaxBytes+1))
	if err != nil {
		return err
	}
	if len(data) > upImportMaxBytes {
		return s.upImportRender(w, r, page, upFileError(&http.MaxBytesError{Limit: upImportMaxBytes}))
	}
	name := path.Base(strings.ReplaceAll(hdr.Filename, "\\", "/"))
	page.FileName, page.Kind = name, tableKind(name, data)
	t, err := unitpicture.ParseTable(bytes.NewReader(data), name, page.Kind)
	if err != nil {
		return s.upImportRender(w, r, page, s.upTableError(r, err))
	}
	page.Table, page.Preview, page.Data = t, t.Preview(unitpicture.PreviewRows), base64.StdEncoding.EncodeToString(data)
	page.Values["name"] = strings.TrimSuffix(name, path.Ext(name))
	page.Values["group"] = "all"
	if id, _ := strconv.ParseInt(r.PostFormValue("mapping"), 10, 64); id > 0 {
		ms, err := unitpicture.Mappings(r.Context(), s.db, auth.FromContext(r.Context()))
		if err != nil {
			return err
		}
		for _, m := range ms {
			if m.ID == id {
				fillMappingValues(page.Values, m.Mapping, t)
			}
		}
	} else {
		guessMapping(page.Values, t)
	}
	return s.upImportRender(w, r, page, nil)
}

// tableKind tells XLSX from CSV by the file's name or its zip signature.
func tableKind(name string, data []byte) string {
	if strings.EqualFold(path.Ext(name), ".xlsx") || bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return unitpicture.KindXLSX
	}
	return unitpicture.KindCSV
}

// guessMapping picks the unit code, year and group columns by their names.
func guessMapping(vals map[string]string, t *unitpicture.Table) {
	for _, c := range t.Columns {
		lc := strings.ToLower(c)
		switch {
		case vals["unit_column"] == "" && (strings.Contains(lc, "skolenhetskod") || strings.Contains(lc, "enhetskod") || lc == "unit_code" || lc == "kod"):
			vals["unit_column"] = c
		case vals["year_column"] == "" && (strings.Contains(lc, "läsår") || lc == "year" || lc == "school_year" || lc == "år"):
			vals["year_column"] = c
		case vals["group_column"] == "" && (lc == "grupp" || lc == "group" || lc == "kön"):
			vals["group_column"] = c
		case vals["pupils_column"] == "" && (strings.Contains(lc, "antal elever") || lc == "pupils" || lc == "elever"):
			vals["pupils_column"] = c
		}
	}
}

// fillMappingValues puts a saved mapping into the form's values.
func fillMappingValues(vals map[string]string, m unitpicture.Mapping, t *unitpicture.Table) {
	vals["name"], vals["unit_column"], vals["year_column"], vals["year"] = m.Name, m.UnitColumn, m.YearColumn, m.Year
	vals["group_column"], vals["group"], vals["pupils_column"] = m.GroupColumn, m.Group, m.PupilsColumn
	vals["save"] = "1"
	if vals["group"] == "" {
		vals["group"] = "all"
	}
	for _, vc := range m.Values {
		for i, c := range t.Columns {
			if c != vc.Column {
				continue
			}
			k := "c" + strconv.Itoa(i)
			vals[k] = vc.Indicator
			if n := vc.New; n != nil {
				// The indicator exists after the first import with this mapping;
				// until then the definition is offered again.
				vals[k] = "new"
				vals[k+"_key"], vals[k+"_name_sv"], vals[k+"_name_en"] = vc.Indicator, n.NameSV, n.NameEN
				vals[k+"_unit"], vals[k+"_kind"], vals[k+"_direction"] = n.Unit, n.Kind, strconv.Itoa(n.Direction)
				vals[k+"_definition_sv"] = n.DefinitionSV
			}
		}
	}
}

// upImportCommit imports the carried file with the posted mapping: all
// rows or none. Problems come back on the same page (422) with every
// posted value kept.
func (s *Server) upImportCommit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	r.Body = http.MaxBytesReader(w, r.Body, upImportMaxBytes*2)
	if err := r.ParseForm(); err != nil {
		return s.upImportRender(w, r, &upImportPage{upPage: upPage{Values: map[string]string{}}}, upFileError(err))
	}
	page := &upImportPage{upPage: upPage{Values: map[string]string{}}}
	for k, v := range r.PostForm {
		if k != "data" && len(v) > 0 {
			page.Values[k] = v[0]
		}
	}
	page.Data, page.FileName, page.Kind = r.PostForm.Get("data"), path.Base(r.PostForm.Get("file_name")), r.PostForm.Get("kind")
	data, err := base64.StdEncoding.DecodeString(page.Data)
	if err != nil || len(data) == 0 || (page.Kind != unitpicture.KindCSV && page.Kind != unitpicture.KindXLSX) {
		return s.upImportRender(w, r, &upImportPage{upPage: upPage{Values: map[string]string{}}}, upFileError(errors.New("no file")))
	}
	t, err := unitpicture.ParseTable(bytes.NewReader(data), page.FileName, page.Kind)
	if err != nil {
		page.Data = ""
		return s.upImportRender(w, r, page, s.upTableError(r, err))
	}
	page.Table, page.Preview = t, t.Preview(unitpicture.PreviewRows)
	m, cols := mappingFromForm(page.Values, t)
	rep, err := unitpicture.ImportTable(ctx, s.db, p, t, m)
	if err != nil {
		if app.Code(err) != app.EINVALID {
			return err
		}
		if rep != nil {
			l := s.pageLocalizer(r, "unitpicture_import")
			for _, pr := range rep.Problems {
				page.Problems = append(page.Problems, upProblem{Line: pr.Line, Column: pr.Field, Msg: localMsg(l, pr.ID, pr.Args, pr.Msg)})
			}
		}
		return s.upImportRender(w, r, page, mappingFieldErrors(err, cols, m, len(page.Problems)))
	}
	if page.Values["save"] != "" {
		if _, err := unitpicture.SaveMapping(ctx, s.db, p, m); err != nil {
			return err
		}
		page.Saved = true
	}
	done := &upImportPage{upPage: upPage{Values: map[string]string{}}, Report: rep, Saved: page.Saved, FileName: page.FileName}
	return s.upImportRender(w, r, done, nil)
}

// mappingFromForm builds the mapping from the posted fields; cols[k] is
// the table column of the mapping's k-th value column.
func mappingFromForm(vals map[string]string, t *unitpicture.Table) (unitpicture.Mapping, []int) {
	m := unitpicture.Mapping{Name: vals["name"], UnitColumn: vals["unit_column"], YearColumn: vals["year_column"],
		GroupColumn: vals["group_column"], PupilsColumn: vals["pupils_column"]}
	if m.YearColumn == "" {
		m.Year = strings.TrimSpace(vals["year"])
	}
	if m.GroupColumn == "" {
		m.Group = vals["group"]
	}
	var cols []int
	for i, c := range t.Columns {
		k := "c" + strconv.Itoa(i)
		use := vals[k]
		if use == "" {
			continue
		}
		vc := unitpicture.ValueColumn{Column: c, Indicator: use}
		if use == "new" {
			dir, _ := strconv.Atoi(vals[k+"_direction"])
			vc.Indicator = strings.TrimSpace(vals[k+"_key"])
			vc.New = &unitpicture.NewIndicator{NameSV: vals[k+"_name_sv"], NameEN: vals[k+"_name_en"], Unit: vals[k+"_unit"],
				Kind: vals[k+"_kind"], Direction: dir, DefinitionSV: vals[k+"_definition_sv"], DefinitionEN: vals[k+"_definition_en"]}
		}
		m.Values = append(m.Values, vc)
		cols = append(cols, i)
	}
	return m, cols
}

// mappingFieldErrors names the form fields of a failed mapping: the
// mapping's "values.K.X" become the fields of the K-th mapped column.
func mappingFieldErrors(err error, cols []int, m unitpicture.Mapping, problems int) error {
	var ae *app.Error
	if !errors.As(err, &ae) {
		return err
	}
	var v app.Validation
	if problems > 0 || len(ae.Fields) == 0 {
		v.Add("problems", ae.MsgID, ae.Data)
	}
	for _, f := range ae.Fields {
		field := f.Field
		if rest, ok := strings.CutPrefix(field, "values."); ok {
			kStr, sub, _ := strings.Cut(rest, ".")
			k, _ := strconv.Atoi(kStr)
			if k >= 0 && k < len(cols) {
				c := "c" + strconv.Itoa(cols[k])
				switch {
				case sub == "indicator" && m.Values[k].New != nil:
					field = c + "_key"
				case sub == "indicator" || sub == "column":
					field = c
				default:
					field = c + "_" + sub
				}
			}
		}
		v.Add(field, f.MsgID, f.Data)
	}
	return v.Err()
}

// upTableError explains a file that cannot be read, naming file and line,
// in the page's language.
func (s *Server) upTableError(r *http.Request, err error) error {
	var te *unitpicture.TableError
	if !errors.As(err, &te) {
		return err
	}
	msg := localMsg(s.pageLocalizer(r, "unitpicture_import"), te.ID, te.Args, te.Msg)
	var v app.Validation
	if te.Line > 0 {
		v.Add("file", "upw.imp.err_file_line", map[string]any{"File": te.File, "Line": te.Line, "Msg": msg})
	} else {
		v.Add("file", "upw.imp.err_file", map[string]any{"File": te.File, "Msg": msg})
	}
	return v.Err()
}

// localMsg is the message id with args in l's language, or the English
// text msg when there is no id.
func localMsg(l *i18n.Localizer, id string, args map[string]any, msg string) string {
	if id == "" {
		return msg
	}
	return l.T(id, args)
}

func upFileError(err error) error {
	var v app.Validation
	if tooBig := (*http.MaxBytesError)(nil); errors.As(err, &tooBig) {
		v.Add("file", "upw.imp.err_too_big", map[string]any{"Max": upImportMaxBytes >> 20})
	} else {
		v.Add("file", "upw.imp.err_no_file")
	}
	return v.Err()
}

// SourceName names an import's source in words.
func (upImportPage) SourceName(s string, l *i18n.Localizer) string { return sourceName(s, l) }
