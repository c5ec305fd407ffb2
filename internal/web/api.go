package web

import (
	_ "embed"
	"encoding/json"
	"net/http"

	"github.com/styrkedjan/styrkedjan/internal/auth"
)

//go:embed openapi.json
var openAPI []byte

func serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPI)
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// The API's JSON shapes, kept apart from the domain types so the contract
// in openapi.json changes only on purpose.

type apiMe struct {
	ID         int64    `json:"id"`
	Name       string   `json:"name"`
	Email      string   `json:"email"`
	Role       string   `json:"role"`
	Units      []int64  `json:"units"`
	Categories []string `json:"categories"`
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	p := auth.FromContext(r.Context())
	return writeJSON(w, http.StatusOK, apiMe{p.UserID, p.Name, p.Email, string(p.Role), nonNil(p.Units), nonNil(p.Categories)})
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
