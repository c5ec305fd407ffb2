package web

import (
	"bytes"
	"net/http"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/accessibility"
	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/export"
)

// The accessibility self-assessment's statement sets (issue 16): the list
// with import, one set with a form per statement, the example set, and
// the CSV and TOML exports. Package accessibility decides who may change
// them.

type accessSetsPage struct {
	Sets       []accessibility.Set
	HasExample bool
	Areas      []string
}

func (s *Server) accessSets(w http.ResponseWriter, r *http.Request) error {
	return s.renderAccessSets(w, r, formData{Values: map[string]string{}}, nil)
}

func (s *Server) renderAccessSets(w http.ResponseWriter, r *http.Request, fd formData, err error) error {
	sets, lerr := accessibility.Sets(r.Context(), s.db)
	if lerr != nil {
		return lerr
	}
	page := accessSetsPage{Sets: sets, Areas: accessibility.Areas}
	name := accessibility.ExampleName()
	for _, set := range sets {
		if set.Name == name {
			page.HasExample = true
		}
	}
	fd.Extra = page
	return s.renderForm(w, r, "accessibility_sets", fd, err)
}

func (s *Server) addExampleSet(w http.ResponseWriter, r *http.Request) error {
	id, err := accessibility.AddExample(r.Context(), s.db, time.Now())
	if err != nil {
		return err
	}
	s.flash(r, "saved")
	http.Redirect(w, r, "/accessibility/sets/"+idStr(id), http.StatusSeeOther)
	return nil
}

func (s *Server) importAccessSet(w http.ResponseWriter, r *http.Request) error {
	vals := map[string]string{"name": r.PostFormValue("name")}
	fail := func(err error) error { return s.renderAccessSets(w, r, formData{Values: vals}, err) }
	b, filename, err := readUpload(r, "file", accessibility.MaxFile)
	if err != nil {
		return fail(err)
	}
	if b == nil {
		var v app.Validation
		v.Add("file", "accessibility.err_file_missing")
		return fail(v.Err())
	}
	var in accessibility.SetInput
	if strings.HasSuffix(strings.ToLower(filename), ".toml") {
		in, err = accessibility.ParseTOML(bytes.NewReader(b))
		if vals["name"] != "" {
			in.Name = vals["name"]
		}
	} else {
		in, err = accessibility.ParseCSV(bytes.NewReader(b), vals["name"])
	}
	if err != nil {
		return fail(err)
	}
	id, err := accessibility.ImportSet(r.Context(), s.db, in, time.Now())
	if err != nil {
		return fail(err)
	}
	s.flash(r, "accessibility.imported")
	http.Redirect(w, r, "/accessibility/sets/"+idStr(id), http.StatusSeeOther)
	return nil
}

type accessSetPage struct {
	Set    *accessibility.Set
	Areas  []string
	Levels []int
	Langs  []string
}

func (s *Server) accessSet(w http.ResponseWriter, r *http.Request) error {
	return s.renderAccessSet(w, r, formData{Values: map[string]string{}}, nil)
}

func (s *Server) renderAccessSet(w http.ResponseWriter, r *http.Request, fd formData, err error) error {
	id, perr := pathID(r, "id")
	if perr != nil {
		return perr
	}
	set, gerr := accessibility.GetSet(r.Context(), s.db, id)
	if gerr != nil {
		return gerr
	}
	fd.Extra = accessSetPage{Set: set, Areas: accessibility.Areas, Levels: []int{1, 2, 3, 4, 5}, Langs: []string{"sv", "en"}}
	return s.renderForm(w, r, "accessibility_set", fd, err)
}

func (s *Server) saveAccessStatement(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	names := []string{"key", "area", "text_sv", "text_en"}
	for _, lang := range []string{"sv", "en"} {
		for n := 1; n <= accessibility.Levels; n++ {
			names = append(names, "level"+idStr(int64(n))+"_"+lang)
		}
	}
	vals := formValues(r, names...)
	in := accessibility.StatementInput{Key: vals["key"], Area: vals["area"], TextSV: vals["text_sv"], TextEN: vals["text_en"]}
	for n := 1; n <= accessibility.Levels; n++ {
		in.LevelsSV = append(in.LevelsSV, vals["level"+idStr(int64(n))+"_sv"])
		in.LevelsEN = append(in.LevelsEN, vals["level"+idStr(int64(n))+"_en"])
	}
	if err := accessibility.SaveStatement(r.Context(), s.db, id, in, time.Now()); err != nil {
		return s.renderAccessSet(w, r, formData{Values: vals}, err)
	}
	s.flash(r, "saved")
	http.Redirect(w, r, "/accessibility/sets/"+idStr(id)+"#st-"+in.Key, http.StatusSeeOther)
	return nil
}

func (s *Server) exportAccessSetCSV(w http.ResponseWriter, r *http.Request) error {
	set, err := s.setForExport(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := export.WriteCSV(&buf, set.Table(), s.pageLocalizer(r, "accessibility_set").Lang); err != nil {
		return err
	}
	return download(w, "pastaenden.csv", "text/csv; charset=utf-8", buf.Bytes())
}

func (s *Server) exportAccessSetTOML(w http.ResponseWriter, r *http.Request) error {
	set, err := s.setForExport(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := accessibility.WriteTOML(&buf, set); err != nil {
		return err
	}
	return download(w, "pastaenden.toml", "application/toml", buf.Bytes())
}

func (s *Server) setForExport(r *http.Request) (*accessibility.Set, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return accessibility.GetSet(r.Context(), s.db, id)
}
