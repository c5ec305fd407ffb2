// Package org owns the organization: the organizer (huvudman), school forms,
// areas, units and the people who work there. Reads and writes of people are
// scoped through auth and recorded in the audit log here, at the source.
package org

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Organizer types.
const (
	Municipal   = "kommunal" // a municipality
	Independent = "enskild"  // an independent operator
)

// Organizer is the huvudman one installation serves.
type Organizer struct {
	Name      string
	Type      string
	OrgNumber string // organisationsnummer, NNNNNN-NNNN
	RegPrefix string // registration series prefix, e.g. "BUN"
	Email     string // where the organizer receives mail, e.g. complaints
	// The public pages' contact details: a telephone number as people
	// write it, the website and the organizer's own privacy notice
	// (http or https addresses).
	Phone, Website, PrivacyURL string
	// LogoType is the logo's media type, "" without a logo; the logo
	// itself is read with Logo.
	LogoType  string
	UpdatedAt time.Time
}

// Tel is the telephone number for a tel: link (RFC 3966): its digits,
// and a leading plus sign.
func (o Organizer) Tel() string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r == '+' {
			return r
		}
		return -1
	}, o.Phone)
}

// HasLogo reports whether the organizer has a logo.
func (o Organizer) HasLogo() bool { return o.LogoType != "" }

// MaxLogoBytes is the largest logo file.
const MaxLogoBytes = 256 << 10

// logoTypes are the logo formats accepted, as sniffed from the content.
var logoTypes = []string{"image/png", "image/jpeg", "image/webp"}

var (
	orgNumberRE = regexp.MustCompile(`^\d{6}-\d{4}$`)
	regPrefixRE = regexp.MustCompile(`^[A-ZÅÄÖ]{2,10}$`)
)

// Validate checks the organizer and normalises its fields.
func (o *Organizer) Validate() error {
	var v app.Validation
	o.Name = strings.TrimSpace(o.Name)
	o.OrgNumber = strings.TrimSpace(o.OrgNumber)
	o.RegPrefix = strings.ToUpper(strings.TrimSpace(o.RegPrefix))
	o.Email = strings.TrimSpace(o.Email)
	o.Phone, o.Website, o.PrivacyURL = strings.TrimSpace(o.Phone), strings.TrimSpace(o.Website), strings.TrimSpace(o.PrivacyURL)
	if o.Phone != "" && !phoneRE.MatchString(o.Phone) {
		v.Add("phone", "field.phone")
	}
	for field, u := range map[string]string{"website": o.Website, "privacy_url": o.PrivacyURL} {
		if u != "" && !webAddress(u) {
			v.Add(field, "field.url")
		}
	}
	if o.Name == "" {
		v.Add("name", "field.required")
	}
	if o.Type != Municipal && o.Type != Independent {
		v.Add("type", "field.choose")
	}
	if o.OrgNumber != "" && !orgNumberRE.MatchString(o.OrgNumber) {
		v.Add("org_number", "field.org_number")
	}
	if !regPrefixRE.MatchString(o.RegPrefix) {
		v.Add("reg_prefix", "field.reg_prefix")
	}
	if o.Email != "" && !validEmail(o.Email) {
		v.Add("email", "field.email")
	}
	return v.Err()
}

// GetOrganizer returns the organizer; store.ErrNotFound before setup.
func GetOrganizer(ctx context.Context, q store.Q) (Organizer, error) {
	var o Organizer
	err := q.QueryRow(ctx, `SELECT name, org_type, org_number, reg_prefix, email, phone, website, privacy_url, logo_type, updated_at
		FROM organizer WHERE id = 1`).
		Scan(&o.Name, &o.Type, &o.OrgNumber, &o.RegPrefix, &o.Email, &o.Phone, &o.Website, &o.PrivacyURL, &o.LogoType, &o.UpdatedAt)
	return o, err
}

var phoneRE = regexp.MustCompile(`^\+?[0-9][0-9 ()-]{4,28}[0-9]$`)

// webAddress reports whether s is an absolute http or https address.
func webAddress(s string) bool {
	u, err := url.Parse(s)
	return err == nil && len(s) <= 500 && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && u.User == nil
}

// Logo returns the organizer's logo and its media type; store.ErrNotFound
// when there is none.
func Logo(ctx context.Context, q store.Q) ([]byte, string, time.Time, error) {
	var data []byte
	var typ string
	var at time.Time
	err := q.QueryRow(ctx, "SELECT logo, logo_type, updated_at FROM organizer WHERE id = 1 AND logo_type <> ''").Scan(&data, &typ, &at)
	return data, typ, at, err
}

// SaveLogo validates and stores the organizer's logo (field "logo"): a
// PNG, JPEG or WebP image, the type decided from the content, at most
// MaxLogoBytes. Nil data removes the logo.
func SaveLogo(ctx context.Context, q store.Q, data []byte) error {
	typ := ""
	if data != nil {
		var v app.Validation
		typ = http.DetectContentType(data)
		switch {
		case len(data) > MaxLogoBytes:
			v.Add("logo", "field.logo_size", map[string]any{"MaxKB": MaxLogoBytes >> 10})
		case !slices.Contains(logoTypes, typ):
			v.Add("logo", "field.logo_type")
		}
		if err := v.Err(); err != nil {
			return err
		}
	}
	res, err := q.Exec(ctx, "UPDATE organizer SET logo = ?, logo_type = ?, updated_at = ? WHERE id = 1", data, typ, store.Now())
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return app.Errorf(app.EINVALID, "organizer.err_first")
	}
	return nil
}

// SaveOrganizer validates and stores the organizer.
func SaveOrganizer(ctx context.Context, q store.Q, o Organizer) error {
	if err := o.Validate(); err != nil {
		return err
	}
	_, err := q.Exec(ctx, `INSERT INTO organizer (id, name, org_type, org_number, reg_prefix, email, phone, website, privacy_url, updated_at)
		VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, org_type = excluded.org_type,
			org_number = excluded.org_number, reg_prefix = excluded.reg_prefix,
			email = excluded.email, phone = excluded.phone, website = excluded.website,
			privacy_url = excluded.privacy_url, updated_at = excluded.updated_at`,
		o.Name, o.Type, o.OrgNumber, o.RegPrefix, o.Email, o.Phone, o.Website, o.PrivacyURL, store.Now())
	return err
}

// SchoolForm is a school form (skolform) with its grade years, if any.
type SchoolForm struct {
	Code    string
	NameSV  string
	NameEN  string
	MinYear *int // nil for forms without grade years (förskola, fritidshem)
	MaxYear *int
	Sort    int
}

// HasYears reports whether the form has grade years.
func (f SchoolForm) HasYears() bool { return f.MinYear != nil }

// Name returns the form's name in lang ("sv" or "en").
func (f SchoolForm) Name(lang string) string {
	if lang == "en" && f.NameEN != "" {
		return f.NameEN
	}
	return f.NameSV
}

var formCodeRE = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)

// SchoolForms lists the school forms in display order.
func SchoolForms(ctx context.Context, q store.Q) ([]SchoolForm, error) {
	rows, err := q.Query(ctx, "SELECT code, name_sv, name_en, min_year, max_year, sort FROM school_forms ORDER BY sort, code")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SchoolForm
	for rows.Next() {
		var f SchoolForm
		if err := rows.Scan(&f.Code, &f.NameSV, &f.NameEN, &f.MinYear, &f.MaxYear, &f.Sort); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// SaveSchoolForm validates and creates or updates a school form by code.
func SaveSchoolForm(ctx context.Context, q store.Q, f SchoolForm) error {
	var v app.Validation
	f.Code = strings.TrimSpace(f.Code)
	f.NameSV, f.NameEN = strings.TrimSpace(f.NameSV), strings.TrimSpace(f.NameEN)
	if !formCodeRE.MatchString(f.Code) {
		v.Add("code", "field.form_code")
	}
	if f.NameSV == "" {
		v.Add("name_sv", "field.required")
	}
	if (f.MinYear == nil) != (f.MaxYear == nil) || (f.MinYear != nil && (*f.MinYear < 0 || *f.MaxYear > 13 || *f.MinYear > *f.MaxYear)) {
		v.Add("min_year", "field.year_range")
	}
	if err := v.Err(); err != nil {
		return err
	}
	_, err := q.Exec(ctx, `INSERT INTO school_forms (code, name_sv, name_en, min_year, max_year, sort) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET name_sv = excluded.name_sv, name_en = excluded.name_en,
			min_year = excluded.min_year, max_year = excluded.max_year, sort = excluded.sort`,
		f.Code, f.NameSV, f.NameEN, f.MinYear, f.MaxYear, f.Sort)
	return err
}

// Area is a geographic or organisational area grouping units.
type Area struct {
	ID    int64
	Name  string
	Units int // number of units in the area
}

// Areas lists areas by name with their unit counts.
func Areas(ctx context.Context, q store.Q) ([]Area, error) {
	rows, err := q.Query(ctx, `SELECT a.id, a.name, COUNT(u.id) FROM areas a
		LEFT JOIN units u ON u.area_id = a.id GROUP BY a.id, a.name ORDER BY a.name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Area
	for rows.Next() {
		var a Area
		if err := rows.Scan(&a.ID, &a.Name, &a.Units); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// SaveArea creates (ID 0) or renames an area and returns its id.
func SaveArea(ctx context.Context, q store.Q, a Area) (int64, error) {
	a.Name = strings.TrimSpace(a.Name)
	var v app.Validation
	if a.Name == "" {
		v.Add("name", "field.required")
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	var err error
	if a.ID == 0 {
		err = q.QueryRow(ctx, "INSERT INTO areas (name) VALUES (?) RETURNING id", a.Name).Scan(&a.ID)
	} else {
		var res interface{ RowsAffected() (int64, error) }
		res, err = q.Exec(ctx, "UPDATE areas SET name = ? WHERE id = ?", a.Name, a.ID)
		if err == nil {
			if n, _ := res.RowsAffected(); n == 0 {
				return 0, app.NotFound()
			}
		}
	}
	if errors.Is(err, store.ErrAlreadyExists) {
		v.Add("name", "field.taken")
		return 0, v.Err()
	}
	return a.ID, err
}

// DeleteArea removes an area; its units keep working without one.
func DeleteArea(ctx context.Context, q store.Q, id int64) error {
	_, err := q.Exec(ctx, "DELETE FROM areas WHERE id = ?", id)
	return err
}

var emailRE = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)

func validEmail(s string) bool { return len(s) <= 254 && emailRE.MatchString(s) }

// Category is a complaint category. Specialists are scoped to categories;
// the complaints capability routes by them.
type Category struct {
	Code   string
	NameSV string
	NameEN string
	Active bool
}

// Name returns the category's name in lang ("sv" or "en").
func (c Category) Name(lang string) string {
	if lang == "en" && c.NameEN != "" {
		return c.NameEN
	}
	return c.NameSV
}

// Categories lists the complaint categories in display order.
func Categories(ctx context.Context, q store.Q) ([]Category, error) {
	rows, err := q.Query(ctx, "SELECT code, name_sv, name_en, active FROM complaint_categories ORDER BY sort, code")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Category
	for rows.Next() {
		var c Category
		if err := rows.Scan(&c.Code, &c.NameSV, &c.NameEN, &c.Active); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SaveCategory validates and creates or updates a complaint category by
// code. Categories are deactivated, never deleted: old cases keep theirs.
func SaveCategory(ctx context.Context, q store.Q, c Category) error {
	var v app.Validation
	c.Code, c.NameSV, c.NameEN = strings.TrimSpace(c.Code), strings.TrimSpace(c.NameSV), strings.TrimSpace(c.NameEN)
	if !categoryRE.MatchString(c.Code) {
		v.Add("code", "field.form_code")
	}
	if c.NameSV == "" {
		v.Add("name_sv", "field.required")
	}
	if err := v.Err(); err != nil {
		return err
	}
	_, err := q.Exec(ctx, `INSERT INTO complaint_categories (code, name_sv, name_en, sort, active)
		VALUES (?, ?, ?, (SELECT COALESCE(MAX(sort), 0) + 10 FROM complaint_categories), ?)
		ON CONFLICT (code) DO UPDATE SET name_sv = excluded.name_sv, name_en = excluded.name_en, active = excluded.active`,
		c.Code, c.NameSV, c.NameEN, c.Active)
	return err
}
