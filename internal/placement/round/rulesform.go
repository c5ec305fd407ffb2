package round

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/placement"
	"github.com/styrkedjan/styrkedjan/internal/placement/batch"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// The rules form (issue 15): a round's placement rules and process settings
// in plain words instead of TOML. The TOML stays the stored form and the
// export/import format; the form reads it and writes it.

// Form limits.
const (
	MaxNearHomeRows   = 4  // near-home limits the form offers
	MaxChoicesAllowed = 10 // schools a guardian may rank
	MaxAcceptDays     = 60 // days a guardian has to accept a place
	MaxNearHomeMeters = 50000
)

// RulesForm is the rules form as posted: texts, checked and cleaned by Validate.
type RulesForm struct {
	// Criteria in priority order; "" leaves a position empty.
	Criteria     [4]string
	SiblingYears []string // year groups sibling priority applies to; none = all
	Alternative  string   // nearest or nearest_with_room
	Seed         string
	NearHome     [MaxNearHomeRows]NearHomeRow
	Choices      string // choices a guardian may rank
	AcceptDays   string // days to accept a place

	// Set by Validate.
	Rules       placement.Rules
	ChoicesN    int
	AcceptDaysN int
}

// NearHomeRow is one near-home limit of the form; an empty row is skipped.
type NearHomeRow struct{ From, To, Meters string }

// Settings are a round's process settings that the rules form shows.
type Settings struct {
	ChoicesAllowed int
	AcceptDays     int
}

// GetSettings reads a round's choices allowed and acceptance days.
func GetSettings(ctx context.Context, q store.Q, id int64) (Settings, error) {
	var s Settings
	err := q.QueryRow(ctx, "SELECT choices_allowed, accept_days FROM placement_rounds WHERE id = ?", id).Scan(&s.ChoicesAllowed, &s.AcceptDays)
	if err = store.Normalize(err); errors.Is(err, store.ErrNotFound) {
		return s, app.NotFound()
	}
	return s, err
}

// FormFromRules fills the form from stored rules and settings.
func FormFromRules(r placement.Rules, s Settings) RulesForm {
	var f RulesForm
	for i, c := range r.Criteria {
		if i < len(f.Criteria) {
			f.Criteria[i] = c.String()
		}
	}
	for _, y := range r.SiblingYears {
		f.SiblingYears = append(f.SiblingYears, strconv.Itoa(y))
	}
	f.Alternative = r.Alternative.String()
	f.Seed = strconv.FormatInt(r.Seed, 10)
	for i, l := range r.NearHome {
		if i < MaxNearHomeRows {
			f.NearHome[i] = NearHomeRow{strconv.Itoa(l.From), strconv.Itoa(l.To), strconv.FormatFloat(l.Meters, 'f', -1, 64)}
		}
	}
	f.Choices, f.AcceptDays = strconv.Itoa(s.ChoicesAllowed), strconv.Itoa(s.AcceptDays)
	return f
}

// Validate checks the form and builds the rules (keeping resolution, which
// the form does not show, from keep); field errors in form order.
func (f *RulesForm) Validate(keep placement.Rules) error {
	var v app.Validation
	r := placement.Rules{Resolution: keep.Resolution}
	seen := map[placement.Criterion]bool{}
	gap := false
	for i, s := range f.Criteria {
		s = strings.TrimSpace(s)
		f.Criteria[i] = s
		field := "criterion_" + strconv.Itoa(i+1)
		if s == "" {
			gap = true
			continue
		}
		c, ok := batch.ParseCriterion(s)
		switch {
		case !ok:
			v.Add(field, "rulesform.err.criterion")
		case seen[c]:
			v.Add(field, "rulesform.err.criterion_twice")
		case gap:
			v.Add(field, "rulesform.err.criterion_gap")
		case seen[placement.Lottery]:
			// The lottery leaves no ties: nothing after it ever decides.
			v.Add(field, "rulesform.err.after_lottery")
		default:
			seen[c] = true
			r.Criteria = append(r.Criteria, c)
		}
	}
	if len(r.Criteria) == 0 && !v.Has("criterion_1") {
		v.Add("criterion_1", "rulesform.err.no_criteria")
	}
	for _, s := range f.SiblingYears {
		y, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || y < 0 || y > batch.MaxYear {
			v.Add("sibling_years", "rulesform.err.year", map[string]any{"Max": batch.MaxYear})
			break
		}
		if !slices.Contains(r.SiblingYears, y) {
			r.SiblingYears = append(r.SiblingYears, y)
		}
	}
	slices.Sort(r.SiblingYears)
	switch f.Alternative {
	case placement.Nearest.String():
		r.Alternative = placement.Nearest
	case placement.NearestWithRoom.String():
		r.Alternative = placement.NearestWithRoom
	default:
		v.Add("alternative", "rulesform.err.alternative")
	}
	if seed, err := strconv.ParseInt(strings.TrimSpace(f.Seed), 10, 64); err != nil {
		v.Add("seed", "rulesform.err.seed")
	} else {
		r.Seed = seed
	}
	for i, row := range f.NearHome {
		row = NearHomeRow{strings.TrimSpace(row.From), strings.TrimSpace(row.To), strings.TrimSpace(strings.ReplaceAll(row.Meters, " ", ""))}
		f.NearHome[i] = row
		if row == (NearHomeRow{}) {
			continue
		}
		field := "near_home_" + strconv.Itoa(i+1)
		from, e1 := strconv.Atoi(row.From)
		to, e2 := strconv.Atoi(row.To)
		m, e3 := strconv.Atoi(row.Meters)
		switch {
		case e1 != nil || e2 != nil || from < 0 || to > batch.MaxYear || from > to:
			v.Add(field, "rulesform.err.near_home_years", map[string]any{"Max": batch.MaxYear})
		case e3 != nil || m <= 0 || m > MaxNearHomeMeters:
			v.Add(field, "rulesform.err.near_home_meters", map[string]any{"Max": MaxNearHomeMeters})
		case slices.ContainsFunc(r.NearHome, func(l placement.NearHomeLimit) bool { return from <= l.To && l.From <= to }):
			v.Add(field, "rulesform.err.near_home_overlap")
		default:
			r.NearHome = append(r.NearHome, placement.NearHomeLimit{From: from, To: to, Meters: float64(m)})
		}
	}
	slices.SortFunc(r.NearHome, func(a, b placement.NearHomeLimit) int { return a.From - b.From })
	if n, err := strconv.Atoi(strings.TrimSpace(f.Choices)); err != nil || n < 1 || n > MaxChoicesAllowed {
		v.Add("choices", "rulesform.err.choices", map[string]any{"Max": MaxChoicesAllowed})
	} else {
		f.ChoicesN = n
	}
	if n, err := strconv.Atoi(strings.TrimSpace(f.AcceptDays)); err != nil || n < 1 || n > MaxAcceptDays {
		v.Add("accept_days", "rulesform.err.accept_days", map[string]any{"Max": MaxAcceptDays})
	} else {
		f.AcceptDaysN = n
	}
	if err := v.Err(); err != nil {
		return err
	}
	if err := r.Validate(); err != nil { // what the form cannot catch itself
		v.Add("criterion_1", "placementweb.err.line", map[string]any{"Msg": err.Error()})
		return v.Err()
	}
	f.Rules = r
	return nil
}

// SaveRules stores a round's rules (as TOML, the stored and exported form),
// choices allowed and acceptance days, audited. A published round's rules
// are what its decisions were made by, so they no longer change.
func SaveRules(ctx context.Context, q store.Q, id int64, rules placement.Rules, s Settings) error {
	if err := requireOfficer(ctx); err != nil {
		return err
	}
	return store.InTx(ctx, q, func(tx *store.Tx) error {
		rd, err := Get(ctx, tx, id)
		if err != nil {
			return err
		}
		if rd.Published() {
			var v app.Validation
			v.Add("criterion_1", "rulesform.err.published")
			return v.Err()
		}
		text := batch.RulesTOML(rules)
		if _, err := batch.ReadRules(strings.NewReader(text), RulesFile); err != nil {
			return err // cannot happen: RulesTOML writes what ReadRules reads
		}
		if _, err := tx.Exec(ctx, "UPDATE placement_rounds SET rules_toml = ?, choices_allowed = ?, accept_days = ?, updated_at = ? WHERE id = ?",
			text, s.ChoicesAllowed, s.AcceptDays, store.Now(), id); err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Update, "placement_round", strconv.FormatInt(id, 10), "rules")
	})
}

// ImportRules reads rules from TOML (the export format), with batch's
// file:line errors under field, for the form to show.
func ImportRules(text, field string) (placement.Rules, error) {
	if len(text) > MaxRulesBytes {
		var v app.Validation
		v.Add(field, "rulesform.err.too_large", map[string]any{"KB": MaxRulesBytes >> 10})
		return placement.Rules{}, v.Err()
	}
	r, err := batch.ReadRules(strings.NewReader(text), RulesFile)
	if err != nil {
		var v app.Validation
		lineErrors(&v, field, err)
		return placement.Rules{}, v.Err()
	}
	return r, nil
}
