package web

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/placement/batch"
	"github.com/styrkedjan/styrkedjan/internal/placement/geo"
	"github.com/styrkedjan/styrkedjan/internal/placement/register"
	"github.com/styrkedjan/styrkedjan/internal/placement/round"
)

// placementRegisterPage is a round's register: the import form with a
// preview, the children whose homes need an officer, the children and
// their guardians, and the siblings found, for checking.
type placementRegisterPage struct {
	Round       *round.Round
	Preview     []register.Child // parsed, not yet imported
	Children    []round.RegisterChild
	Problems    []round.RegisterChild // not located, outside the area, far from any way, gone from the register
	Siblings    []round.SiblingLink
	SchoolNames map[string]string
	Located     int
	NoEmail     int // children none of whose guardians has an e-mail address (letters)
	FieldErrors map[string][]string
	Header      string
}

func (s *Server) placementRegister(w http.ResponseWriter, r *http.Request) error {
	return s.placementRegisterWith(w, r, map[string]string{}, nil, nil)
}

func (s *Server) placementRegisterWith(w http.ResponseWriter, r *http.Request, vals map[string]string, preview []register.Child, formErr error) error {
	ctx := r.Context()
	rd, err := s.loadRound(r)
	if err != nil {
		return err
	}
	pg := placementRegisterPage{Round: rd, Preview: preview, SchoolNames: map[string]string{}, FieldErrors: map[string][]string{},
		Header: strings.Join(register.Header(), ",")}
	if pg.Children, err = round.RegisterChildren(ctx, s.db, rd.ID); err != nil {
		return err
	}
	schools, err := rd.Schools()
	if err != nil {
		return err
	}
	for _, sc := range schools {
		pg.SchoolNames[sc.ID] = sc.Name
	}
	rules, err := batch.ReadRules(strings.NewReader(rd.RulesTOML), round.RulesFile)
	if err != nil {
		return err
	}
	pg.Siblings = round.Siblings(pg.Children, rd.Years, schools, rules)
	for i := range pg.Children {
		c := &pg.Children[i]
		if c.Located() {
			pg.Located++
		}
		mail := false
		for _, g := range c.Guardians {
			mail = mail || g.Email != ""
		}
		if !mail {
			pg.NoEmail++
		}
		if !c.Located() || len(c.Flags) > 0 {
			pg.Problems = append(pg.Problems, *c)
		}
	}
	l := s.pageLocalizer(r, "placement_register")
	formErr = round.LocalizeLineErrors(formErr, l.T)
	if ae := (*app.Error)(nil); errors.As(formErr, &ae) {
		for _, f := range ae.Fields {
			pg.FieldErrors[f.Field] = append(pg.FieldErrors[f.Field], l.T(f.MsgID, f.Data))
		}
	}
	return s.renderForm(w, r, "placement_register", formData{Values: vals, Extra: pg}, formErr)
}

// importPlacementRegister previews an extract (action=preview) or imports
// it (action=import); the text comes from the file field or the text area.
func (s *Server) importPlacementRegister(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	rd, err := s.loadRound(r)
	if err != nil {
		return err
	}
	if err := parseMultipart(w, r, round.MaxCSVBytes); err != nil {
		return err
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	vals := map[string]string{"register": r.PostFormValue("register")}
	b, _, err := readUpload(r, "register_file", round.MaxCSVBytes)
	if err != nil {
		return s.placementRegisterWith(w, r, vals, nil, err)
	}
	if b != nil {
		vals["register"] = string(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))
	}
	cs, err := round.ParseRegister(ctx, s.db, rd.ID, vals["register"])
	if err != nil || r.PostFormValue("action") != "import" {
		return s.placementRegisterWith(w, r, vals, cs, err)
	}
	if _, err := round.ImportRegister(ctx, s.db, rd.ID, cs, s.opts.GuardianKey); err != nil {
		return s.placementRegisterWith(w, r, vals, cs, err)
	}
	s.flash(r, "placementweb.register.imported")
	http.Redirect(w, r, fmt.Sprintf("/placement/rounds/%d/register", rd.ID), http.StatusSeeOther)
	return nil
}

// homeForm is a home's position typed by an officer: "lat, lon" in WGS84
// degrees, or "n, e" in SWEREF 99 TM metres (told apart by size: no
// latitude is above 90).
type homeForm struct{ Position string }

// Validate returns the position in WGS84.
func (f homeForm) Validate() (lat, lon float64, err error) {
	var v app.Validation
	parts := strings.FieldsFunc(f.Position, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' })
	var xs []float64
	for _, p := range parts {
		x, err := strconv.ParseFloat(p, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			xs = nil
			break
		}
		xs = append(xs, x)
	}
	switch {
	case strings.TrimSpace(f.Position) == "":
		v.Add("position", "field.required")
	case len(xs) != 2:
		v.Add("position", "placementweb.register.bad_position")
	case math.Abs(xs[0]) > 90:
		if geo.CheckSweref(xs[0], xs[1]) != nil {
			v.Add("position", "placementweb.register.bad_position")
			break
		}
		lat, lon = geo.ToWGS84(xs[0], xs[1])
	case math.Abs(xs[1]) > 180:
		v.Add("position", "placementweb.register.bad_position")
	default:
		lat, lon = xs[0], xs[1]
	}
	return lat, lon, v.Err()
}

func (s *Server) setPlacementHome(w http.ResponseWriter, r *http.Request) error {
	rd, err := s.loadRound(r)
	if err != nil {
		return err
	}
	child, err := pathID(r, "child")
	if err != nil {
		return err
	}
	f := homeForm{Position: strings.TrimSpace(r.PostFormValue("position"))}
	lat, lon, err := f.Validate()
	if err == nil {
		err = round.SetHome(r.Context(), s.db, rd.ID, child, lat, lon)
	}
	if err != nil {
		if app.Code(err) == app.EINVALID {
			return s.placementRegisterWith(w, r, map[string]string{fmt.Sprintf("position-%d", child): f.Position}, nil, err)
		}
		return err
	}
	s.flash(r, "placementweb.register.home_set")
	http.Redirect(w, r, fmt.Sprintf("/placement/rounds/%d/register", rd.ID), http.StatusSeeOther)
	return nil
}
