// Package survey is the pulse surveys of issue 16: the organizer's question
// bank (each question with a stable key, texts in every public language and
// easy-to-read Swedish, the index it belongs to and its audience), surveys
// built from it (5–12 statements on a 1–5 scale with "don't know", and one
// free-text question), rounds that target classes (a class code), the
// guardians or the staff of units (personal links mailed through the
// outbox), anonymous responses, results per unit and group with small
// groups suppressed (also through differences between totals), free texts
// checked for names, addresses and numbers, and the indexes as indicators
// of the unit picture (source "survey").
//
// Anonymity by construction: a response row holds a random ID and its group,
// nothing else — no link, person, language or time; the free text is kept
// apart from the scale answers; a personal link is kept as a digest with a
// used mark and no time, and the link is marked in a transaction of its own,
// not the one that stores the answer.
package survey

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Audiences.
const (
	Pupil    = "pupil"
	Guardian = "guardian"
	Staff    = "staff"
)

// Audiences lists them in display order.
var Audiences = []string{Pupil, Guardian, Staff}

// Question kinds.
const (
	Scale = "scale" // a statement on the 1–5 scale with "don't know"
	Text  = "text"  // the free-text question
)

// Indexes are the built-in indexes in display order; the organizer's own
// questions may name others.
var Indexes = []string{"safety", "study_peace", "influence", "support"}

// Limits of a survey.
const (
	MinStatements = 5
	MaxStatements = 12
	// DefaultMinGroup is the smallest group whose answers are shown.
	DefaultMinGroup = 10
	maxText         = 2000
)

// Source is the unit picture's source of survey indicators.
const Source = "survey"

// Question is one question of the bank.
type Question struct {
	ID       int64             `json:"-"`
	Key      string            `json:"key"`
	Index    string            `json:"index"`
	Audience string            `json:"audience"`
	Kind     string            `json:"kind"`
	Texts    map[string]string `json:"texts"` // by language: sv, en, ar, so, fa and i18n.EasySwedish
	BuiltIn  bool              `json:"-"`
}

// TextIn returns the question in lang, Swedish when it has none.
func (q Question) TextIn(lang string) string {
	if t := q.Texts[lang]; t != "" {
		return t
	}
	return q.Texts["sv"]
}

//go:embed bank.json
var bankJSON []byte

type bankEntry struct {
	Key, Index, Audience, Kind string
	SV, EN, AR, SO, FA, Easy   string
}

// Bank returns the starter bank shipped with Styrkedjan.
func Bank() ([]Question, error) {
	var entries []bankEntry
	if err := json.Unmarshal(bankJSON, &entries); err != nil {
		return nil, err
	}
	out := make([]Question, 0, len(entries))
	for _, e := range entries {
		if e.Kind == "" {
			e.Kind = Scale
		}
		out = append(out, Question{Key: e.Key, Index: e.Index, Audience: e.Audience, Kind: e.Kind, BuiltIn: true,
			Texts: map[string]string{"sv": e.SV, "en": e.EN, "ar": e.AR, "so": e.SO, "fa": e.FA, i18n.EasySwedish: e.Easy}})
	}
	return out, nil
}

// Seed stores the starter bank's questions the bank lacks (by key); the
// organizer's changes to a stored question are kept. Idempotent; it runs
// with dialogue.Seed.
func Seed(ctx context.Context, db store.Q, now time.Time) error {
	bank, err := Bank()
	if err != nil {
		return err
	}
	for _, q := range bank {
		if _, err := insertQuestion(ctx, db, q, now); err != nil && !errors.Is(err, store.ErrAlreadyExists) {
			return fmt.Errorf("seed survey question %s: %w", q.Key, err)
		}
	}
	return nil
}

func insertQuestion(ctx context.Context, db store.Q, q Question, now time.Time) (int64, error) {
	var id int64
	err := db.QueryRow(ctx, `INSERT INTO survey_questions (key, idx, audience, kind, text_sv, text_en, text_ar, text_so, text_fa,
		text_easy, builtin, active, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		q.Key, q.Index, q.Audience, q.Kind, q.Texts["sv"], q.Texts["en"], q.Texts["ar"], q.Texts["so"], q.Texts["fa"],
		q.Texts[i18n.EasySwedish], q.BuiltIn, true, now).Scan(&id)
	return id, err
}

const questionCols = "id, key, idx, audience, kind, text_sv, text_en, text_ar, text_so, text_fa, text_easy, builtin"

func scanQuestion(sc interface{ Scan(...any) error }) (Question, error) {
	var q Question
	var sv, en, ar, so, fa, easy string
	err := sc.Scan(&q.ID, &q.Key, &q.Index, &q.Audience, &q.Kind, &sv, &en, &ar, &so, &fa, &easy, &q.BuiltIn)
	q.Texts = map[string]string{"sv": sv, "en": en, "ar": ar, "so": so, "fa": fa, i18n.EasySwedish: easy}
	return q, err
}

// Questions returns the active questions of the bank by audience, index and key.
func Questions(ctx context.Context, db store.Q) ([]Question, error) {
	rows, err := db.Query(ctx, "SELECT "+questionCols+" FROM survey_questions WHERE active = ? ORDER BY audience, kind, idx, key", true)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Question
	for rows.Next() {
		q, err := scanQuestion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// QuestionInput is the form of a new bank question.
type QuestionInput struct {
	Key, Index, Audience, Kind string
	Texts                      map[string]string
}

// Validate checks a new question: a key of lower-case letters, digits,
// dots and underscores, a known audience and kind, an index for a
// statement, and a Swedish text.
func (in *QuestionInput) Validate() error {
	var v app.Validation
	in.Key = strings.TrimSpace(in.Key)
	in.Index = strings.TrimSpace(in.Index)
	if in.Key == "" || len(in.Key) > 60 || strings.Trim(in.Key, "abcdefghijklmnopqrstuvwxyz0123456789._") != "" {
		v.Add("key", "survey.err_key")
	}
	if !slices.Contains(Audiences, in.Audience) {
		v.Add("audience", "field.required")
	}
	if in.Kind != Scale && in.Kind != Text {
		v.Add("kind", "field.required")
	}
	if in.Kind == Scale && (in.Index == "" || strings.Trim(in.Index, "abcdefghijklmnopqrstuvwxyz_") != "") {
		v.Add("index", "survey.err_index")
	}
	if in.Kind == Text {
		in.Index = ""
	}
	for lang, t := range in.Texts {
		in.Texts[lang] = app.CleanLine(t)
		if app.TooLong(in.Texts[lang], 300) {
			v.Add("text_"+lang, "field.too_long", map[string]any{"Max": 300})
		}
	}
	if in.Texts["sv"] == "" {
		v.Add("text_sv", "field.required")
	}
	return v.Err()
}

// AddQuestion adds the organizer's own question to the bank
// (auth.ManageSurveys); a key already in use is a field error.
func AddQuestion(ctx context.Context, db store.Q, in QuestionInput) (int64, error) {
	if !mayManage(auth.FromContext(ctx)) {
		return 0, app.Forbidden()
	}
	if err := in.Validate(); err != nil {
		return 0, err
	}
	var id int64
	err := store.InTx(ctx, db, func(tx *store.Tx) error {
		var err error
		id, err = insertQuestion(ctx, tx, Question{Key: in.Key, Index: in.Index, Audience: in.Audience, Kind: in.Kind, Texts: in.Texts}, store.Now())
		if errors.Is(err, store.ErrAlreadyExists) {
			var v app.Validation
			v.Add("key", "survey.err_key_taken")
			return v.Err()
		}
		if err != nil {
			return err
		}
		return audit.Log(ctx, tx, "survey.question", "survey_question", in.Key, "")
	})
	return id, err
}
