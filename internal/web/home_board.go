package web

import (
	"net/http"

	"github.com/styrkedjan/styrkedjan/internal/dialogue"
)

// The start page's part for those who steer (the board, issue 17): links
// to what they steer by (the unit picture's "Att styra efter", the
// dialogues' series report) and the dialogues they took part in, each
// opening on its record without personal data. Package dialogue decides
// whose records these are; the template shows only the links the person
// may follow.

// boardStart is the steering part of the start page.
type boardStart struct {
	Dialogues []dialogue.Summary // dialogues the person took part in (record readers with own reach)
}

func (s *Server) boardStart(r *http.Request) (*boardStart, error) {
	list, err := dialogue.Records(r.Context(), s.db)
	if err != nil {
		return nil, err
	}
	return &boardStart{Dialogues: list}, nil
}
