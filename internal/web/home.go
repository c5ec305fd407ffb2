package web

import (
	"net/http"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/complaint"
	"github.com/styrkedjan/styrkedjan/internal/dialogue"
	"github.com/styrkedjan/styrkedjan/internal/meeting"
	"github.com/styrkedjan/styrkedjan/internal/org"
)

// The start page: for a signed-in person, what is theirs to do, by
// deadline. Each capability decides what belongs to whom (its ToDo-style
// functions scope by its own policy); this file only gathers the lists.

type homePage struct {
	org.Organizer
	ToDo *toDo // nil when signed out
}

// toDo is the signed-in person's start page.
type toDo struct {
	Today      string
	Until      string // the end of the coming two weeks
	Cases      []*complaint.Case
	Replies    []*complaint.Case
	Actions    []dialogue.OwnAction
	Findings   []dialogue.Finding
	Meetings   []meeting.Summary
	Dialogues  []dialogue.Summary
	Categories []org.Category
	Board      *boardStart // what the person steers by (home_board.go)
}

// toDoDays is how far ahead the start page lists meetings and dialogues.
const toDoDays = 14

// Empty reports whether there is nothing to do.
func (t *toDo) Empty() bool {
	return len(t.Cases)+len(t.Replies)+len(t.Actions)+len(t.Findings)+len(t.Meetings)+len(t.Dialogues) == 0
}

// CategoryName names a case's category in lang.
func (t *toDo) CategoryName(code, lang string) string {
	for _, c := range t.Categories {
		if c.Code == code {
			return c.Name(lang)
		}
	}
	return code
}

func (s *Server) toDo(r *http.Request) (*toDo, error) {
	ctx := r.Context()
	t := &toDo{Today: civil.Today(time.Now())}
	var err error
	if t.Until, err = civil.AddDays(t.Today, toDoDays); err != nil {
		return nil, err
	}
	cases, err := complaint.ToDo(ctx, s.db, t.Today)
	if err != nil {
		return nil, err
	}
	t.Cases, t.Replies = cases.Cases, cases.Replies
	if t.Actions, err = dialogue.OwnActions(ctx, s.db); err != nil {
		return nil, err
	}
	if t.Findings, err = dialogue.OpenFindings(ctx, s.db); err != nil {
		return nil, err
	}
	if t.Meetings, err = meeting.Upcoming(ctx, s.db, t.Today, t.Until); err != nil {
		return nil, err
	}
	if t.Dialogues, err = dialogue.Upcoming(ctx, s.db, t.Today, t.Until); err != nil {
		return nil, err
	}
	if t.Board, err = s.boardStart(r); err != nil {
		return nil, err
	}
	if len(t.Cases)+len(t.Replies) > 0 {
		if t.Categories, err = org.Categories(ctx, s.db); err != nil {
			return nil, err
		}
	}
	return t, nil
}
