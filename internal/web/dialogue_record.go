package web

import (
	"net/http"

	"github.com/styrkedjan/styrkedjan/internal/dialogue"
)

// recordView is a dialogue's record without personal data (what a board
// member who took part sees; package dialogue decides what is in it).
type recordView struct {
	dialogueFmt
	*dialogue.DialogueRecord
}

func (s *Server) dialogueRecord(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	rec, err := dialogue.RecordOf(r.Context(), s.db, id)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "dialogue_record", formData{Extra: recordView{newDialogueFmt(s.pageLocalizer(r, "dialogue_record")), rec}})
	return nil
}
