package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// API clients on the admin pages: the same register as `styrkedjan client`.

// clientsPage is the list, the form and, once, a new client's token.
type clientsPage struct {
	Clients []auth.Client
	Token   string // the token just created: shown on this response only
	Created string // its client's name
	Default int    // the default limit a minute
}

// clientForm is the form that adds a client.
type clientForm struct {
	Name      string
	PerMinute int
}

func parseClientForm(r *http.Request) (clientForm, map[string]string) {
	vals := formValues(r, "name", "per_minute")
	f := clientForm{Name: vals["name"], PerMinute: -1}
	if n, err := strconv.Atoi(vals["per_minute"]); err == nil {
		f.PerMinute = n
	}
	return f, vals
}

// Validate checks the form before anything is stored: fields "name" and
// "per_minute".
func (f clientForm) Validate() error {
	var v app.Validation
	if f.Name == "" {
		v.Add("name", "field.required")
	} else if len(f.Name) > 100 || app.CleanLine(f.Name) != f.Name {
		v.Add("name", "clients.err_name")
	}
	if f.PerMinute < 1 || f.PerMinute > 100000 {
		v.Add("per_minute", "clients.err_per_minute")
	}
	return v.Err()
}

func (s *Server) clients(w http.ResponseWriter, r *http.Request) error {
	return s.clientsPage(w, r, formData{Values: map[string]string{"per_minute": strconv.Itoa(auth.DefaultClientPerMinute)}}, clientsPage{}, nil)
}

func (s *Server) clientsPage(w http.ResponseWriter, r *http.Request, fd formData, page clientsPage, err error) error {
	list, lerr := auth.Clients(r.Context(), s.db)
	if lerr != nil {
		return lerr
	}
	page.Clients, page.Default = list, auth.DefaultClientPerMinute
	fd.Extra = page
	w.Header().Set("Cache-Control", "no-store") // a new token is on the page
	return s.renderForm(w, r, "clients", fd, err)
}

// addClient registers a client and shows its token once, on this
// response; it is never stored or shown again.
func (s *Server) addClient(w http.ResponseWriter, r *http.Request) error {
	f, vals := parseClientForm(r)
	err := f.Validate()
	var token string
	if err == nil {
		token, err = org.AddClient(r.Context(), s.db, f.Name, []auth.ClientScope{auth.ScopeSubmitComplaints}, f.PerMinute)
	}
	switch {
	case errors.Is(err, auth.ErrClientExists):
		var v app.Validation
		v.Add("name", "clients.err_exists")
		err = v.Err()
	case errors.Is(err, auth.ErrClientName):
		var v app.Validation
		v.Add("name", "clients.err_name")
		err = v.Err()
	}
	if err != nil {
		return s.clientsPage(w, r, formData{Values: vals}, clientsPage{}, err)
	}
	fresh := map[string]string{"per_minute": strconv.Itoa(auth.DefaultClientPerMinute)}
	return s.clientsPage(w, r, formData{Values: fresh}, clientsPage{Token: token, Created: f.Name}, nil)
}

// revokeClient ends a client's token at once (field "name").
func (s *Server) revokeClient(w http.ResponseWriter, r *http.Request) error {
	err := org.RevokeClient(r.Context(), s.db, r.PostFormValue("name"))
	if errors.Is(err, store.ErrNotFound) {
		return app.NotFound()
	}
	if err != nil {
		return err
	}
	s.flash(r, "clients.revoked")
	http.Redirect(w, r, "/admin/clients", http.StatusSeeOther)
	return nil
}
