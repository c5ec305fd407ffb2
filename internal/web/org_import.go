package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/org"
)

const (
	importMaxBytes = 2 << 20 // the largest CSV file accepted
	importShown    = 100     // rows of each preview table
)

// importPage is the data of the import page: the upload form with its
// help; after an upload, the preview of what a commit would do; after a
// commit, its result.
type importPage struct {
	orgLookups // school form names
	Kinds      []org.ImportKind
	Help       []importHelp
	Categories []org.Category
	MaxMB      int

	Plan     *org.ImportPlan
	CSV      string // the uploaded file, carried to the commit
	Units    []org.UnitRow
	People   []org.PersonRow
	Rejected []org.RejectedRow

	Done             bool
	Kind             org.ImportKind
	Created, Updated int
	Skipped          int
}

// importHelp lists the columns of one kind of file for the help text.
type importHelp struct {
	Kind    org.ImportKind
	Columns []org.ImportColumn
}

// Places is a unit's total number of places, for the preview.
func (importPage) Places(u org.Unit) int {
	n := 0
	for _, c := range u.Capacity {
		n += c.Places
	}
	return n
}

func (s *Server) importForm(w http.ResponseWriter, r *http.Request) error {
	fd := formData{Values: map[string]string{"kind": string(org.ImportUnits)}}
	return s.importPage(w, r, fd, importPage{}, nil)
}

// importPreview checks an uploaded file and shows what a commit would do.
// Nothing is written.
func (s *Server) importPreview(w http.ResponseWriter, r *http.Request) error {
	kind, data, err := readImport(w, r, "file")
	fd := formData{Values: map[string]string{"kind": string(kind)}}
	if err != nil {
		return s.importPage(w, r, fd, importPage{}, err)
	}
	plan, err := org.ParseImport(r.Context(), s.db, kind, bytes.NewReader(data))
	if err != nil {
		return s.importPage(w, r, fd, importPage{}, err)
	}
	return s.importPage(w, r, fd, importPage{
		Plan:     plan,
		CSV:      string(data),
		Units:    plan.Units[:min(len(plan.Units), importShown)],
		People:   plan.People[:min(len(plan.People), importShown)],
		Rejected: plan.Rejected[:min(len(plan.Rejected), importShown)],
	}, nil)
}

// importCommit checks the file again, now against the database as it is,
// and writes its valid rows, all or nothing.
func (s *Server) importCommit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	kind, data, err := readImport(w, r, "csv")
	fd := formData{Values: map[string]string{"kind": string(kind)}}
	var plan *org.ImportPlan
	if err == nil {
		plan, err = org.ParseImport(ctx, s.db, kind, bytes.NewReader(data))
	}
	if err == nil && plan.Valid() == 0 {
		err = app.Errorf(app.EINVALID, "import.err_nothing")
	}
	var created, updated int
	if err == nil {
		created, updated, err = plan.Apply(ctx, s.db)
	}
	if err != nil {
		return s.importPage(w, r, fd, importPage{}, err)
	}
	return s.importPage(w, r, fd, importPage{Done: true, Kind: kind, Created: created, Updated: updated,
		Skipped: len(plan.Rejected)}, nil)
}

// readImport reads the kind and the CSV from a multipart form: a file
// input on preview, a text field on commit.
func readImport(w http.ResponseWriter, r *http.Request, field string) (org.ImportKind, []byte, error) {
	// Room beyond the file for the kind field and the multipart framing.
	r.Body = http.MaxBytesReader(w, r.Body, importMaxBytes+64<<10)
	err := r.ParseMultipartForm(importMaxBytes + 64<<10)
	if err != nil {
		return "", nil, importFileError(err)
	}
	defer r.MultipartForm.RemoveAll()
	kind := org.ImportKind(r.PostFormValue("kind"))
	var data []byte
	if field == "csv" {
		data = []byte(r.PostFormValue("csv"))
	} else {
		f, _, err := r.FormFile(field)
		if err != nil {
			return kind, nil, importFileError(err)
		}
		defer f.Close()
		if data, err = io.ReadAll(io.LimitReader(f, importMaxBytes+1)); err != nil {
			return kind, nil, err
		}
	}
	if len(data) > importMaxBytes {
		return kind, nil, importFileError(&http.MaxBytesError{Limit: importMaxBytes})
	}
	return kind, data, nil
}

// importFileError explains a failed upload as an error on the file field.
func importFileError(err error) error {
	var v app.Validation
	if tooBig := (*http.MaxBytesError)(nil); errors.As(err, &tooBig) {
		v.Add("file", "import.err_too_big", map[string]any{"Max": importMaxBytes >> 20})
	} else {
		v.Add("file", "import.err_no_file")
	}
	return v.Err()
}

// importPage renders the import page. Errors about the file as a whole,
// and rows that fail at commit, are shown on the file field.
func (s *Server) importPage(w http.ResponseWriter, r *http.Request, fd formData, page importPage, err error) error {
	ctx := r.Context()
	forms, lerr := org.SchoolForms(ctx, s.db)
	if lerr != nil {
		return lerr
	}
	if page.Categories, lerr = org.Categories(ctx, s.db); lerr != nil {
		return lerr
	}
	page.orgLookups = orgLookups{Forms: forms}
	page.Kinds, page.MaxMB = org.ImportKinds, importMaxBytes>>20
	for _, k := range org.ImportKinds {
		page.Help = append(page.Help, importHelp{k, org.ImportColumns(k)})
	}
	fd.Extra = page
	var ae *app.Error
	if errors.As(err, &ae) && ae.Code == app.EINVALID && ae.MsgID != "err.invalid" {
		data := ae.Data
		if ae.MsgID == "import.err_apply" && len(ae.Fields) > 0 {
			f := ae.Fields[0]
			data = map[string]any{"Line": ae.Data["Line"], "Column": f.Field, "Problem": s.localizer(r).T(f.MsgID, f.Data)}
		}
		var v app.Validation
		v.Add("file", ae.MsgID, data)
		err = v.Err()
	}
	return s.renderForm(w, r, "import", fd, err)
}
