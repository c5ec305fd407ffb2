package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/complaint"
	"github.com/styrkedjan/styrkedjan/internal/org"
)

type apiCategory struct {
	Code   string `json:"code"`
	NameSV string `json:"nameSv"`
	NameEN string `json:"nameEn"`
}

func (s *Server) apiCategories(w http.ResponseWriter, r *http.Request) error {
	cats, err := org.Categories(r.Context(), s.db)
	if err != nil {
		return err
	}
	out := []apiCategory{}
	for _, c := range cats {
		if c.Active {
			out = append(out, apiCategory{c.Code, c.NameSV, c.NameEN})
		}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

type apiReceipt struct {
	ID            int64  `json:"id"`
	Reference     string `json:"reference"`
	FollowUpURL   string `json:"followUpUrl,omitempty"` // not on a repeat: the link is given once
	AcknowledgeBy string `json:"acknowledgeBy"`
	AnswerBy      string `json:"answerBy"`
}

// apiSubmitComplaint is the intake for municipal e-service platforms: no
// login, rate-limited per address, idempotent with an Idempotency-Key. An
// API client (auth.SubmitComplaints) is limited by its own rate instead of
// its address's, since a platform sends everyone's complaints from one.
func (s *Server) apiSubmitComplaint(w http.ResponseWriter, r *http.Request) error {
	var allowed bool
	var err error
	if p := auth.FromContext(r.Context()); p.IsClient() && p.Can(auth.SubmitComplaints) {
		allowed, err = s.clientAllowed(r, p.ClientID, p.ClientPerMinute)
	} else {
		allowed, err = s.intakeAllowed(r)
	}
	if err != nil {
		return err
	}
	if !allowed {
		w.Header().Set("Retry-After", "60")
		return app.Errorf(app.ETHROTTLED, "public.err_throttled")
	}
	release, err := s.reserveIntake(r)
	if err != nil {
		w.Header().Set("Retry-After", "30")
		return err
	}
	defer release()
	sub, lang, err := decodeComplaint(r.Body) // cut at maxAPISubmissionBytes by the route's body rule
	if err != nil {
		return err
	}
	sub.Channel, sub.SubmissionKey, sub.SubmissionClient = "api", r.Header.Get("Idempotency-Key"), submissionClient(r)
	sub.Language = s.filerLanguage(lang, r.Header.Get("Accept-Language"))
	if len(sub.SubmissionKey) > 200 {
		return app.Errorf(app.EINVALID, "api.err_key")
	}
	rec, err := complaint.Submit(r.Context(), s.db, sub, time.Now(), s.composer())
	if err != nil {
		return err
	}
	s.opts.WakeMailer()
	status := http.StatusCreated
	if rec.Repeated {
		status = http.StatusOK
	}
	w.Header().Set("Location", "/api/v1/cases/"+idStr(rec.ID))
	return writeJSON(w, status, apiReceipt{ID: rec.ID, Reference: rec.Reference, FollowUpURL: s.followUpURL(rec),
		AcknowledgeBy: rec.AckDue, AnswerBy: rec.AnswerDue})
}

// intakeBytesInFlight bounds the JSON bodies the intake holds at once: a
// JSON body is read and decoded in memory (about twice its size), so
// without a bound eight large submissions took 1.3 GB. Three of the
// largest fit; more wait their turn, and small ones (8 MB in all) pass
// beside them.
const intakeBytesInFlight = 3*maxAPISubmissionBytes + 8<<20

// reserveIntake reserves room for r's body (its declared length, or the
// most the route takes when it declares none) and returns the release.
// When no room comes free within 15 seconds, the caller is asked to come
// back: 503 with Retry-After, nothing read.
func (s *Server) reserveIntake(r *http.Request) (release func(), err error) {
	n := int64(maxAPISubmissionBytes)
	if r.ContentLength >= 0 && r.ContentLength < n {
		n = max(r.ContentLength, 1)
	}
	ctx, cancel := context.WithTimeout(r.Context(), 15*time.Second)
	defer cancel()
	if err := s.intakeBytes.Acquire(ctx, n); err != nil {
		return nil, app.Errorf(app.EUNAVAILABLE, "err.busy")
	}
	return func() { s.intakeBytes.Release(n) }, nil
}

// apiCase is a case as the staff API shows it.
type apiCase struct {
	ID                 int64      `json:"id"`
	Reference          string     `json:"reference"`
	SubmittedAt        time.Time  `json:"submittedAt"`
	Status             string     `json:"status"`
	Outcome            string     `json:"outcome"`
	Kind               string     `json:"kind"`
	Category           string     `json:"category"`
	UnitID             *int64     `json:"unitId"`
	UnitScope          string     `json:"unitScope"`
	HandlerID          *int64     `json:"handlerId"`
	AcknowledgeBy      string     `json:"acknowledgeBy"`
	AnswerBy           string     `json:"answerBy"`
	AnsweredAt         *time.Time `json:"answeredAt"`
	ClosedAt           *time.Time `json:"closedAt"`
	Secret             bool       `json:"secret"`
	OffensiveTreatment bool       `json:"offensiveTreatment"`
	WhatHappened       string     `json:"whatHappened,omitempty"` // left out of secret cases
}

func toAPICase(c *complaint.Case) apiCase {
	a := apiCase{c.ID, c.Reference, c.SubmittedAt, string(c.Status), string(c.Outcome), string(c.Kind), c.Category, c.UnitID,
		string(c.UnitScope), c.HandlerID, c.AckDue, c.AnswerDue, c.AnsweredAt, c.ClosedAt, c.Secret, c.OffensiveTreatment, ""}
	if !c.Secret {
		a.WhatHappened = c.WhatHappened
	}
	return a
}

func (s *Server) apiCases(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := complaint.Filter{Mine: q.Get("mine") == "1", Status: q.Get("status"), Category: q.Get("category"),
		Overdue: q.Get("overdue") == "1", Query: q.Get("q"), Limit: 100}
	f.UnitID, _ = strconv.ParseInt(q.Get("unit"), 10, 64)
	f.Offset, _ = strconv.Atoi(q.Get("offset"))
	cases, total, err := complaint.WorkList(r.Context(), s.db, f, civil.Today(time.Now()))
	if err != nil {
		return err
	}
	out := make([]apiCase, 0, len(cases))
	for _, c := range cases {
		out = append(out, toAPICase(c))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": out, "total": total})
}

func (s *Server) apiCase(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := complaint.Get(r.Context(), s.db, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toAPICase(c))
}
