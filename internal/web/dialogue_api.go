package web

import (
	"net/http"
	"strconv"

	"github.com/styrkedjan/styrkedjan/internal/dialogue"
)

// Quality dialogues in the JSON API.

func (s *Server) apiDialogues(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := dialogue.Filter{Term: q.Get("term")}
	f.UnitID, _ = strconv.ParseInt(q.Get("unit"), 10, 64)
	list, err := dialogue.List(r.Context(), s.db, f)
	if err != nil {
		return err
	}
	if list == nil {
		list = []dialogue.Summary{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"dialogues": list})
}

func (s *Server) apiDialogue(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := dialogue.Get(r.Context(), s.db, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, d)
}

func (s *Server) apiActions(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := dialogue.ActionFilter{Status: q.Get("status")}
	f.UnitID, _ = strconv.ParseInt(q.Get("unit"), 10, 64)
	list, err := dialogue.Actions(r.Context(), s.db, f)
	if err != nil {
		return err
	}
	if list == nil {
		list = []dialogue.Action{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"actions": list})
}
