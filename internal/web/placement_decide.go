package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/placement/round"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Decisions that reach people (issue 15): publishing with a register,
// the officer's letters and later passes, and the guardian's decision
// page with accept and decline.

func (s *Server) placementNotify(r *http.Request) round.Notify {
	base := strings.TrimSuffix(s.opts.PublicURL, "/")
	if base == "" {
		base = "http://" + r.Host
	}
	return round.Notify{Catalog: s.catalog, BaseURL: base}
}

// publishPlacement publishes the round: with a register the decisions go
// to the guardians (mail now, letters from the round page); without one
// the officer gets the CSV of links as before.
func (s *Server) publishPlacement(w http.ResponseWriter, r *http.Request) error {
	rd, err := s.loadRound(r)
	if err != nil {
		return err
	}
	pub, err := round.PublishDecisions(r.Context(), s.db, rd.ID, s.placementNotify(r))
	if err != nil {
		return err
	}
	if pub.Register {
		s.opts.WakeMailer()
		s.flash(r, "decide.staff.published")
		http.Redirect(w, r, fmt.Sprintf("/placement/rounds/%d#decide-h", rd.ID), http.StatusSeeOther)
		return nil
	}
	base := s.placementNotify(r).BaseURL
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	_ = cw.Write([]string{"applicant_id", "link"})
	for _, ln := range pub.Links {
		_ = cw.Write([]string{ln.ApplicantID, base + "/placement/d/" + ln.Token})
	}
	cw.Flush()
	return download(w, fmt.Sprintf("placering-%d-lankar.csv", rd.ID), "text/csv; charset=utf-8", b.Bytes())
}

// placementLetters prints the letters for guardians without e-mail as one
// PDF (new links on them).
func (s *Server) placementLetters(w http.ResponseWriter, r *http.Request) error {
	rd, err := s.loadRound(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	doc, _, err := round.PrintLetters(r.Context(), s.db, rd.ID, s.placementNotify(r), r.PostFormValue("again") == "1")
	if err != nil {
		return err
	}
	pdf, err := doc.Bytes()
	if err != nil {
		return err
	}
	return download(w, fmt.Sprintf("placering-%d-brev.pdf", rd.ID), "application/pdf", pdf)
}

// decideRound is the round page's part on decisions sent.
type decideRound struct {
	Counts round.DecisionTally
}

func (s *Server) decideRoundData(r *http.Request, rd *round.Round) (*decideRound, error) {
	if !rd.Published() {
		return nil, nil
	}
	reg, err := round.HasRegister(r.Context(), s.db, rd.ID)
	if err != nil || !reg {
		return nil, err
	}
	c, err := round.DecisionCounts(r.Context(), s.db, rd.ID)
	if err != nil {
		return nil, err
	}
	return &decideRound{Counts: c}, nil
}

type passPage struct {
	Round *round.Round
	Moves []round.Move
}

// placementPass shows who a new pass would move, before confirming.
func (s *Server) placementPass(w http.ResponseWriter, r *http.Request) error {
	rd, err := s.loadRound(r)
	if err != nil {
		return err
	}
	moves, err := round.PlanPass(r.Context(), s.db, rd.ID)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "placement_pass", passPage{Round: rd, Moves: moves})
	return nil
}

// runPlacementPass makes the pass and sends the new decisions.
func (s *Server) runPlacementPass(w http.ResponseWriter, r *http.Request) error {
	rd, err := s.loadRound(r)
	if err != nil {
		return err
	}
	if _, _, err := round.RunPass(r.Context(), s.db, rd.ID, s.placementNotify(r)); err != nil {
		return err
	}
	s.opts.WakeMailer()
	s.flash(r, "decide.staff.pass_done")
	http.Redirect(w, r, fmt.Sprintf("/placement/rounds/%d#decide-h", rd.ID), http.StatusSeeOther)
	return nil
}

type placementGuardianPage struct {
	View  *round.GuardianView
	Token string
	// Base is the page's path: the private link, or the decision in
	// "Mina ärenden".
	Base string
	// Query keeps the page's language (and easy text) in its links and
	// forms: "?lang=ar".
	Query    string
	EasyLink string
	Easy     bool
	Plain    round.Plain
	Contact  round.Contact
	Details  []string
	// DetailsLang is set when the explanation is not in the page's
	// language (Swedish for Arabic, Somali and Persian readers).
	DetailsLang string
	Values      *priorityValues
	CanAnswer   bool
	Confirm     bool // asking to confirm a decline
	Refused     string
	Child       string
	School      string
}

// guardianRequest applies the link's language (?lang=) to the request.
func (s *Server) guardianRequest(r *http.Request) *http.Request {
	if lang := r.URL.Query().Get("lang"); lang != "" {
		for _, l := range i18n.Languages {
			if l.Code == lang {
				return r.WithContext(withLang(r.Context(), lang))
			}
		}
	}
	return r
}

func (s *Server) guardianPage(r *http.Request, token string, v *round.GuardianView) placementGuardianPage {
	l := s.pageLocalizer(r, "placement_guardian")
	easy := r.URL.Query().Get("text") == "easy"
	q := url.Values{"lang": {l.Lang}}
	eq := url.Values{"lang": {l.Lang}, "text": {"easy"}}
	base := "/placement/d/" + url.PathEscape(token)
	if token == "" {
		base = "/my-cases/placement/" + r.PathValue("id")
	}
	pg := placementGuardianPage{View: v, Token: token, Base: base, Query: "?" + q.Encode(), EasyLink: "?" + eq.Encode(), Easy: easy, Contact: v.Contact}
	tl := l
	if easy {
		tl = s.catalog.For(i18n.EasySwedish)
	}
	pg.Plain = round.PlainText(tl, v, civil.Today(store.Now()))
	pg.Details = round.Details(tl, v, easy)
	if staffLanguage(l.Lang) || easy {
		pg.Values = newPriorityValues(s.catalog.For("sv"), v.Decision.Explanation)
		if l.Lang == "en" && !easy {
			pg.Values = newPriorityValues(l, v.Decision.Explanation)
		}
	}
	pg.CanAnswer = v.Sent != nil && v.Custody && v.Sent.Open(civil.Today(store.Now()))
	pg.School = v.Decision.Explanation.SchoolName
	if v.Child != "" {
		pg.Child = v.Child
	} else {
		pg.Child = tl.T("decide.your_child")
	}
	return pg
}

// placementGuardian is the guardian's page behind a private link: two
// plain sentences, the answer asked for, who to contact, the full
// explanation folded, and the appeal routes — in the link's language.
func (s *Server) placementGuardian(w http.ResponseWriter, r *http.Request) error {
	r = s.guardianRequest(r)
	token := r.PathValue("token")
	v, err := round.ByToken(r.Context(), s.db, token)
	if err != nil {
		return err
	}
	pg := s.guardianPage(r, token, v)
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.render(w, r, http.StatusOK, "placement_guardian", pg)
	return nil
}

// answerPlacement records a guardian's answer; declining first asks for
// confirmation (a second form, so it works without JavaScript).
func (s *Server) answerPlacement(w http.ResponseWriter, r *http.Request) error {
	r = s.guardianRequest(r)
	token := r.PathValue("token")
	if err := r.ParseForm(); err != nil {
		return err
	}
	answer := r.PostFormValue("answer")
	w.Header().Set("Referrer-Policy", "no-referrer")
	if answer == round.Declined && r.PostFormValue("confirm") != "1" {
		v, err := s.guardianView(r, token)
		if err != nil {
			return err
		}
		pg := s.guardianPage(r, token, v)
		pg.Confirm = pg.CanAnswer
		s.render(w, r, http.StatusOK, "placement_guardian", pg)
		return nil
	}
	var v *round.GuardianView
	var err error
	if token == "" {
		v, err = round.AnswerMine(r.Context(), s.db, decisionID(r), answer)
	} else {
		v, err = round.Answer(r.Context(), s.db, token, answer)
	}
	if err != nil {
		code := app.Code(err)
		if code != app.ECONFLICT && code != app.EFORBIDDEN {
			return err
		}
		// Answered already, too late, or not a custodian: the page says so.
		v, verr := s.guardianView(r, token)
		if verr != nil {
			return verr
		}
		pg := s.guardianPage(r, token, v)
		if ae, ok := err.(*app.Error); ok {
			pg.Refused = ae.MsgID
		}
		s.render(w, r, http.StatusConflict, "placement_guardian", pg)
		return nil
	}
	s.flash(r, "decide.thanks_"+v.Sent.Answer)
	base := "/placement/d/" + url.PathEscape(token)
	if token == "" {
		base = fmt.Sprintf("/my-cases/placement/%d", decisionID(r))
	}
	http.Redirect(w, r, base+"?lang="+url.QueryEscape(s.localizer(r).Lang), http.StatusSeeOther)
	return nil
}

// decisionID is the {id} of a decision in "Mina ärenden" (0: none).
func decisionID(r *http.Request) int64 {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id
}

// guardianView reads the decision behind a link, or, without a token, one
// of the signed-in guardian's decisions.
func (s *Server) guardianView(r *http.Request, token string) (*round.GuardianView, error) {
	if token == "" {
		return round.GuardianDecision(r.Context(), s.db, decisionID(r))
	}
	return round.ByToken(r.Context(), s.db, token)
}

// myPlacementDecision is a decision in "Mina ärenden" for a guardian
// signed in with e-identification: the same page as behind the link.
func (s *Server) myPlacementDecision(w http.ResponseWriter, r *http.Request) error {
	r = s.guardianRequest(r)
	v, err := round.GuardianDecision(r.Context(), s.db, decisionID(r))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "placement_guardian", s.guardianPage(r, "", v))
	return nil
}
