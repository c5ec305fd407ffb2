package complaint_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/complaint"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

func ids(cs []*complaint.Case) []int64 {
	var out []int64
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

// The start page's case lists: each principal sees only the cases they
// handle, overdue first; a filer's reply stays on the list until the
// handler acts on the case.
func TestToDoScopeOrderAndReplies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		early := f.submit(f.submission(ekbacka, "teaching"), wed)                                           // answer due 17 April
		late := f.submit(f.submission(ekbacka, "teaching"), time.Date(2026, 4, 20, 9, 0, 0, 0, civil.Zone)) // due in May
		atB := f.submit(f.submission(bjorkdalen, "teaching"), wed)
		meals := f.submit(f.submission(ekbacka, "meals"), wed) // the meal manager's
		a, b := f.as(principalA), f.as(principalB)
		if err := complaint.Act(a, db, late.ID, complaint.Action{Kind: complaint.EventAcknowledged}, wed, nil); err != nil {
			t.Fatal(err)
		}

		todo, err := complaint.ToDo(a, db, "2026-05-04")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := fmt.Sprint(ids(todo.Cases)), fmt.Sprint([]int64{early.ID, late.ID}); got != want {
			t.Errorf("A's cases %s, want %s (overdue first, only A's)", got, want)
		}
		if len(todo.Replies) != 0 {
			t.Errorf("A has replies before any: %v", ids(todo.Replies))
		}
		todoB, err := complaint.ToDo(b, db, "2026-05-04")
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(todoB.Cases); fmt.Sprint(got) != fmt.Sprint([]int64{atB.ID}) {
			t.Errorf("B's cases %v, want only %d", got, atB.ID)
		}
		todoM, _ := complaint.ToDo(f.as(mealManager), db, "2026-05-04")
		if got := ids(todoM.Cases); fmt.Sprint(got) != fmt.Sprint([]int64{meals.ID}) {
			t.Errorf("meal manager's cases %v, want only %d", got, meals.ID)
		}
		for who, want := range map[string]int{principalA: 2, principalB: 1, mealManager: 1, officer: 0, "analys@exempelby.example": 0} {
			if n, err := complaint.ToDoCount(f.as(who), db); err != nil || n != want {
				t.Errorf("%s: count %d, %v; want %d", who, n, err, want)
			}
		}

		// The filer of A's case replies (a system reminder after it does not
		// hide it); B's case gets a reply too.
		for _, r := range []complaint.Receipt{early, atB} {
			if err := complaint.Reply(context.Background(), db, r.Token, "Det hände igen.", nil, wed.Add(time.Hour), nil, nil); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.Exec(context.Background(), `INSERT INTO complaint_events (complaint_id, at, actor, kind, visibility, detail)
			VALUES (?, ?, 'system', 'reminder', 'internal', '2026-04-17')`, early.ID, wed.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		todo, _ = complaint.ToDo(a, db, "2026-05-04")
		if got := ids(todo.Replies); fmt.Sprint(got) != fmt.Sprint([]int64{early.ID}) {
			t.Errorf("A's replies %v, want only %d (not B's)", got, early.ID)
		}
		todoB, _ = complaint.ToDo(b, db, "2026-05-04")
		if got := ids(todoB.Replies); fmt.Sprint(got) != fmt.Sprint([]int64{atB.ID}) {
			t.Errorf("B's replies %v, want only %d", got, atB.ID)
		}
		// Answering the filer takes the reply off the list.
		if err := complaint.Act(a, db, early.ID, complaint.Action{Kind: complaint.EventMessage, Body: "Tack, vi tittar på det."}, wed.Add(3*time.Hour), nil); err != nil {
			t.Fatal(err)
		}
		if todo, _ = complaint.ToDo(a, db, "2026-05-04"); len(todo.Replies) != 0 {
			t.Errorf("replies after the handler answered: %v", ids(todo.Replies))
		}
		// A reply to a closed case is to read too; one before the closing is not.
		closing := wed.Add(4 * time.Hour)
		for _, r := range []complaint.Receipt{early, late} {
			if err := complaint.Act(a, db, r.ID, complaint.Action{Kind: complaint.EventClosed, Outcome: complaint.MeasuresTaken}, closing, nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := complaint.Reply(context.Background(), db, late.Token, "Tack, men en sak till.", nil, closing.Add(time.Hour), nil, nil); err != nil {
			t.Fatal(err)
		}
		if todo, _ = complaint.ToDo(a, db, "2026-05-04"); fmt.Sprint(ids(todo.Replies)) != fmt.Sprint([]int64{late.ID}) {
			t.Errorf("replies after closing: %v, want only %d", ids(todo.Replies), late.ID)
		}
	})
}

// Searching the work list for a category's name finds its cases, in
// either language and case; "all" lists the newest first.
func TestWorkListSearchAndNewestFirst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		meals := f.submit(f.submission(ekbacka, "meals"), wed)
		teaching := f.submit(f.submission(ekbacka, "teaching"), wed.Add(time.Hour))
		later := f.submit(f.submission(ekbacka, "meals"), wed.Add(48*time.Hour))
		ctx := f.as(officer)
		for _, q := range []string{"Måltider", "MÅLTIDER", "måltid", "Meals"} {
			list, total, err := complaint.WorkList(ctx, db, complaint.Filter{Status: "all", Query: q}, "2026-04-01")
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(list); total != 2 || fmt.Sprint(got) != fmt.Sprint([]int64{later.ID, meals.ID}) {
				t.Errorf("search %q: %v (%d), want the two meal cases, newest first", q, got, total)
			}
		}
		list, _, err := complaint.WorkList(ctx, db, complaint.Filter{Status: "all"}, "2026-04-01")
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(list); fmt.Sprint(got) != fmt.Sprint([]int64{later.ID, teaching.ID, meals.ID}) {
			t.Errorf("all: %v, want newest first", got)
		}
		// The handler's summary is searched, except on a secret case.
		for _, a := range []complaint.Action{{Kind: complaint.EventSummary, Body: "Portionsstorlek"}} {
			if err := complaint.Act(ctx, db, teaching.ID, a, wed, nil); err != nil {
				t.Fatal(err)
			}
		}
		if list, _, _ := complaint.WorkList(ctx, db, complaint.Filter{Query: "portion"}, "2026-04-01"); fmt.Sprint(ids(list)) != fmt.Sprint([]int64{teaching.ID}) {
			t.Errorf("summary search: %v", ids(list))
		}
		if err := complaint.Act(ctx, db, teaching.ID, complaint.Action{Kind: complaint.EventSecret, Secret: true}, wed, nil); err != nil {
			t.Fatal(err)
		}
		if list, _, _ := complaint.WorkList(ctx, db, complaint.Filter{Query: "portion"}, "2026-04-01"); len(list) != 0 {
			t.Errorf("a secret case's summary was searched: %v", ids(list))
		}
	})
}

// The case page offers only the actions that apply in the case's state,
// and Act refuses the others.
func TestApplicableFollowsTheState(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		r := f.submit(f.submission(ekbacka, "teaching"), wed)
		ctx := f.as(principalA)
		get := func() *complaint.Case {
			c, err := complaint.Get(ctx, db, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		has := func(c *complaint.Case, k complaint.EventKind) bool {
			return slices.Contains(complaint.Applicable(c), k)
		}
		c := get()
		for _, k := range []complaint.EventKind{complaint.EventAcknowledged, complaint.EventInvestigating, complaint.EventAnswered,
			complaint.EventDelayNotice, complaint.EventClosed, complaint.EventAssigned, complaint.EventNote} {
			if !has(c, k) {
				t.Errorf("registered: %s not offered", k)
			}
		}
		if has(c, complaint.EventReopened) || has(c, complaint.EventReported) {
			t.Errorf("registered: %v", complaint.Applicable(c))
		}
		if err := complaint.Act(ctx, db, r.ID, complaint.Action{Kind: complaint.EventAcknowledged}, wed, nil); err != nil {
			t.Fatal(err)
		}
		if c = get(); has(c, complaint.EventAcknowledged) || !has(c, complaint.EventInvestigating) {
			t.Errorf("acknowledged: %v", complaint.Applicable(c))
		}
		if err := complaint.Act(ctx, db, r.ID, complaint.Action{Kind: complaint.EventClosed, Outcome: complaint.NoMeasures}, wed, nil); err != nil {
			t.Fatal(err)
		}
		c = get()
		if got := fmt.Sprint(complaint.Applicable(c)); got != fmt.Sprint([]complaint.EventKind{complaint.EventReopened, complaint.EventSummary,
			complaint.EventMessage, complaint.EventAssigned, complaint.EventConflict, complaint.EventSecret, complaint.EventInterpreter, complaint.EventLinkRevoked, complaint.EventNote}) {
			t.Errorf("closed: %s", got)
		}
		// A delay notice on a closed case would promise the filer an answer
		// that is not coming.
		if err := complaint.Act(ctx, db, r.ID, complaint.Action{Kind: complaint.EventDelayNotice}, wed, nil); app.Code(err) != app.EINVALID {
			t.Errorf("delay notice on a closed case: %v", err)
		}
		praise := f.submission(ekbacka, "teaching")
		praise.Kind = complaint.KindPraise
		p := f.submit(praise, wed)
		pc, err := complaint.Get(ctx, db, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if has(pc, complaint.EventDelayNotice) {
			t.Errorf("praise needs no answer, yet a delay notice is offered")
		}
	})
}
