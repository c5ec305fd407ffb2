// Package explain writes the explanation of every placement decision
// (issue 7) in plain Swedish, English and easy-to-read Swedish, from the
// same data as the decision: placement.Placement with its Declined
// choices and priorities. Each Explanation carries that data in
// structured form (for machines and tests) beside the texts, so every
// number in a text can be traced back.
//
// # Appeals
//
// Skollagen 9 kap. 15 § (förskoleklass) and 10 kap. 30 § (grundskola):
// a decision under the first paragraph — the pupil placed by the
// guardians' wishes, or a wish turned down because it would override
// other pupils' justified claims to a school near home — cannot be
// appealed to Skolväsendets överklagandenämnd; it is open to legality
// review (laglighetsprövning) under kommunallagen 13 kap. A wish turned
// down because the school does not take pupils in that year group at
// all is a deviation for organisational reasons under the second
// paragraph, which may be appealed to Skolväsendets överklagandenämnd
// (skollagen 28 kap. 5 §). The letter says which applies to which part.
package explain

import (
	"math"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/placement"
)

// Priority is a placement.Priority with the alternative school's name.
type Priority struct {
	Sibling           bool    `json:"sibling"`
	RelativeMeters    float64 `json:"relative_m"`
	AlternativeID     string  `json:"alternative_id,omitempty"`
	AlternativeName   string  `json:"alternative_name,omitempty"`
	AlternativeMeters float64 `json:"alternative_m"`
	NoAlternative     bool    `json:"no_alternative"`
	Meters            float64 `json:"meters"`
	Lottery           float64 `json:"lottery"`
}

// FromPriority copies p and names its alternative school.
func FromPriority(p placement.Priority, names map[string]string) Priority {
	return Priority{Sibling: p.Sibling, RelativeMeters: p.Relative, AlternativeID: p.AlternativeID,
		AlternativeName: names[p.AlternativeID], AlternativeMeters: p.AlternativeMeters,
		NoAlternative: p.NoAlternative, Meters: p.Meters, Lottery: p.Lottery}
}

// Declined is why one wished school ranked above the placement did not
// admit the pupil.
type Declined struct {
	SchoolID     string    `json:"school_id"`
	SchoolName   string    `json:"school_name"`
	ChoiceRank   int       `json:"choice_rank"`
	Reason       string    `json:"reason"` // "outranked" or "not_offered"
	Capacity     int       `json:"capacity"`
	Applicants   int       `json:"applicants"`
	FirstChoice  int       `json:"first_choices"`
	Own          Priority  `json:"own"`
	LastAdmitted *Priority `json:"last_admitted,omitempty"`
	// Decisive is the criterion on which the last admitted pupil was
	// ahead: a criterion name, "lottery" (also as the final tie-break)
	// or "applicant_id"; empty when not outranked.
	Decisive string `json:"decisive,omitempty"`
	// Tied are the criteria before the decisive one on which the pupil
	// and the last admitted pupil were equal at the resolution, in the
	// rules' order: a tie there was decided by a later criterion.
	Tied []string `json:"tied,omitempty"`
}

// Choice is the pupil's priority at one of their choices.
type Choice struct {
	SchoolID   string   `json:"school_id"`
	SchoolName string   `json:"school_name"`
	Rank       int      `json:"rank"`
	Offered    bool     `json:"offered"` // the school has places in the year group
	Priority   Priority `json:"priority"`
}

// NearHome is the near-home rule for the pupil's year group.
type NearHome struct {
	LimitMeters float64 `json:"limit_m"`
	Met         bool    `json:"met"`
}

// Appeal routes.
const (
	LegalityReview = "legality_review" // kommunallagen 13 kap., förvaltningsrätten
	AppealsBoard   = "appeals_board"   // Skolväsendets överklagandenämnd
)

// Appeal tells how the decision can be challenged.
type Appeal struct {
	Law string `json:"law"` // "9 kap. 15 §" or "10 kap. 30 §" skollagen
	// Routes: LegalityReview for the first-paragraph decision (always),
	// AppealsBoard too when a wish was turned down for organisational
	// reasons (second paragraph: the school does not take the year).
	Routes []string `json:"routes"`
	// BoardSchools are the wished schools the appeals-board part is about.
	BoardSchools []string `json:"board_schools,omitempty"`
}

// Texts are an explanation's texts.
type Texts struct {
	SV     string `json:"sv"`
	EN     string `json:"en"`
	SVEasy string `json:"sv_easy"`
}

// An Explanation is one pupil's decision with the data behind it.
type Explanation struct {
	ApplicantID string     `json:"applicant_id"`
	Year        int        `json:"year"`
	SchoolID    string     `json:"school_id"` // "" when unplaced
	SchoolName  string     `json:"school_name,omitempty"`
	ChoiceRank  int        `json:"choice_rank"` // 0 for a fallback or unplaced
	Meters      float64    `json:"distance_m"`
	Straight    bool       `json:"straight_line"`               // distances are straight lines, not walking
	Generated   bool       `json:"generated_network,omitempty"` // a made-up example network, not map data
	Source      string     `json:"source,omitempty"`            // the map data's attribution
	Fallback    bool       `json:"fallback"`
	Unplaced    bool       `json:"unplaced"`
	Priority    *Priority  `json:"priority,omitempty"` // at the placed school
	NearHome    *NearHome  `json:"near_home,omitempty"`
	Declined    []Declined `json:"declined"`
	Criteria    []string   `json:"criteria"`
	Seed        int64      `json:"seed"`
	// Lottery is the pupil's own lottery number (from Seed and the ID).
	Lottery float64 `json:"lottery"`
	// Choices are the pupil's priority values at every choice, in rank
	// order, also when placed at the first: with Lottery, Criteria and
	// ResolutionMeters anyone can recompute the matching.
	Choices []Choice `json:"choices"`
	// ResolutionMeters: distances are compared in whole steps of this
	// many metres; the distances in the priorities are at it. 0 in
	// explanations from before the resolution (Engine 0 or 1).
	ResolutionMeters float64 `json:"resolution_m,omitempty"`
	// Engine is placement.Engine of the run that decided.
	Engine int `json:"engine,omitempty"`
	// AccessMeters: the home lies this far (straight line) from the nearest
	// walkable way on the map, counted in every distance; 0 when near one.
	AccessMeters float64 `json:"access_m,omitempty"`
	Appeal       Appeal  `json:"appeal"`
	Text         Texts   `json:"text"`
}

// An Explainer explains the placements of one run.
type Explainer struct {
	names     map[string]string
	rules     placement.Rules
	sv, en    *i18n.Localizer
	Straight  bool   // the run used straight-line distances
	Generated bool   // the network is a made-up example, not map data
	Source    string // the map data's attribution, shown with walking distances
	// Access: applicant ID → metres from a home far from any walkable way
	// to the nearest one (batch.Input.FarHomes).
	Access map[string]float64
}

// New returns an explainer for a run under rules; names maps school IDs
// to names.
func New(c *i18n.Catalog, names map[string]string, rules placement.Rules) *Explainer {
	return &Explainer{names: names, rules: rules, sv: c.For("sv"), en: c.For("en")}
}

// Explain builds the explanation of one placement, texts included.
func (x *Explainer) Explain(p placement.Placement) Explanation {
	e := Explanation{ApplicantID: p.ApplicantID, Year: p.Year, SchoolID: p.SchoolID, SchoolName: x.names[p.SchoolID],
		ChoiceRank: p.ChoiceRank, Meters: p.Meters, Straight: x.Straight, Generated: x.Generated, Source: x.Source, Fallback: p.Fallback,
		Unplaced: p.SchoolID == "", Seed: x.rules.Seed, Declined: []Declined{}, Lottery: p.Lottery, Choices: []Choice{},
		ResolutionMeters: x.rules.DistanceResolution(), Engine: placement.Engine, AccessMeters: x.Access[p.ApplicantID]}
	for _, c := range p.Choices {
		e.Choices = append(e.Choices, Choice{SchoolID: c.SchoolID, SchoolName: x.names[c.SchoolID], Rank: c.Rank, Offered: c.Offered,
			Priority: FromPriority(c.Priority, x.names)})
	}
	if p.Priority != nil {
		pr := FromPriority(*p.Priority, x.names)
		e.Priority = &pr
	}
	if p.NearHomeLimit > 0 {
		e.NearHome = &NearHome{LimitMeters: p.NearHomeLimit, Met: !p.BeyondLimit}
	}
	for _, c := range x.rules.Criteria {
		e.Criteria = append(e.Criteria, c.String())
	}
	e.Appeal = Appeal{Law: "10 kap. 30 §", Routes: []string{LegalityReview}}
	if p.Year == 0 {
		e.Appeal.Law = "9 kap. 15 §"
	}
	for _, d := range p.Declined {
		dd := Declined{SchoolID: d.SchoolID, SchoolName: x.names[d.SchoolID], ChoiceRank: d.ChoiceRank,
			Reason: d.Reason.String(), Capacity: d.Capacity, Applicants: d.Applicants, FirstChoice: d.FirstChoice,
			Own: FromPriority(d.Own, x.names)}
		if d.LastAdmitted != nil {
			la := FromPriority(*d.LastAdmitted, x.names)
			dd.LastAdmitted = &la
			dd.Decisive, dd.Tied = x.decisive(d.Own, *d.LastAdmitted)
		}
		if d.Reason == placement.NotOffered {
			e.Appeal.BoardSchools = append(e.Appeal.BoardSchools, d.SchoolID)
		}
		e.Declined = append(e.Declined, dd)
	}
	if len(e.Appeal.BoardSchools) > 0 {
		e.Appeal.Routes = append(e.Appeal.Routes, AppealsBoard)
	}
	e.Text = Texts{SV: x.Render(x.sv, e, false), EN: x.Render(x.en, e, false), SVEasy: x.Render(x.sv, e, true)}
	return e
}

// decisive names the criterion, in the rules' order, on which the last
// admitted pupil was ahead of own, and the criteria before it on which
// they tied — the matching's own comparison (placement.Rules.Decisive).
func (x *Explainer) decisive(own, last placement.Priority) (string, []string) {
	c, tied := x.rules.Decisive(own, last)
	var ts []string
	for _, t := range tied {
		ts = append(ts, t.String())
	}
	if c == 0 {
		return "applicant_id", ts
	}
	return c.String(), ts
}

// Render writes the explanation's text in l's language; easy asks for the
// easy-to-read version (short sentences, one idea each).
func (x *Explainer) Render(l *i18n.Localizer, e Explanation, easy bool) string {
	r := renderer{l: l, e: &e, easy: easy}
	return r.text()
}

type renderer struct {
	l      *i18n.Localizer
	e      *Explanation
	easy   bool
	b      []string // paragraphs
	lotDec int      // decimals of lottery numbers; see lotteryDecimals
}

func (r *renderer) t(id string, args ...any) string { return r.l.T(id, args...) }

func (r *renderer) para(s ...string) { r.b = append(r.b, strings.Join(s, " ")) }

func (r *renderer) text() string {
	e := r.e
	year := r.year(e.Year)
	dist := r.t("placement.explain.walking")
	if e.Straight {
		dist = r.t("placement.explain.straight")
	}
	if r.easy {
		r.easyText(year)
		return strings.Join(r.b, "\n\n")
	}
	switch {
	case e.Unplaced:
		r.para(r.t("placement.explain.unplaced", "ID", e.ApplicantID, "YearLabel", year))
	case e.Fallback && len(e.Declined) == 0:
		r.para(r.t("placement.explain.fallback_no_choice", "ID", e.ApplicantID, "YearLabel", year, "School", e.SchoolName,
			"Dist", r.meters(e.Meters), "Kind", dist))
	case e.Fallback:
		r.para(r.t("placement.explain.fallback", "ID", e.ApplicantID, "YearLabel", year, "School", e.SchoolName,
			"Dist", r.meters(e.Meters), "Kind", dist))
	case e.ChoiceRank == 1:
		r.para(r.t("placement.explain.placed_first", "ID", e.ApplicantID, "YearLabel", year, "School", e.SchoolName,
			"Dist", r.meters(e.Meters), "Kind", dist))
	default:
		r.para(r.t("placement.explain.placed", "ID", e.ApplicantID, "YearLabel", year, "School", e.SchoolName,
			"Rank", e.ChoiceRank, "Dist", r.meters(e.Meters), "Kind", dist))
	}
	for _, d := range e.Declined {
		if d.Reason == placement.NotOffered.String() {
			r.para(r.t("placement.explain.not_offered", "School", d.SchoolName, "Rank", d.ChoiceRank, "YearLabel", year, "Count", d.Applicants))
			continue
		}
		r.lotDec = lotteryDecimals(d)
		s := []string{r.t("placement.explain.outranked", "School", d.SchoolName, "Rank", d.ChoiceRank, "YearLabel", year,
			"Capacity", d.Capacity, "Applicants", d.Applicants, "First", d.FirstChoice)}
		if d.LastAdmitted != nil {
			s = append(s,
				r.t("placement.explain.last_admitted", "Values", r.priority(*d.LastAdmitted, d.SchoolName)),
				r.t("placement.explain.own", "Values", r.priority(d.Own, d.SchoolName)))
			if tie := r.tie(d); tie != "" {
				s = append(s, tie) // names the decisive criterion too
			} else {
				s = append(s, r.t("placement.explain.decisive", "Criterion", r.criterion(d.Decisive)))
			}
		}
		r.para(s...)
	}
	if len(e.Criteria) > 0 {
		var cs []string
		for _, c := range e.Criteria {
			cs = append(cs, r.criterion(c))
		}
		r.para(r.t("placement.explain.rules", "Criteria", strings.Join(cs, ", "), "Seed", e.Seed), r.resolution())
	}
	if n := e.NearHome; n != nil {
		id := "placement.explain.near_home_met"
		if !n.Met {
			id = "placement.explain.near_home_not_met"
		}
		r.para(r.t(id, "YearLabel", year, "Limit", r.meters(n.LimitMeters)))
	}
	if e.AccessMeters > 0 {
		r.para(r.t("placement.explain.access", "Dist", r.meters(e.AccessMeters)))
	}
	switch {
	case e.Generated:
		r.para(r.t("placement.explain.source_generated"))
	case e.Source != "":
		r.para(r.t("placement.explain.source", "Source", e.Source))
	}
	if !e.Unplaced {
		r.para(r.t("placement.explain.appeal_legality", "Law", e.Appeal.Law))
		if len(e.Appeal.BoardSchools) > 0 {
			r.para(r.t("placement.explain.appeal_board", "Law", e.Appeal.Law, "Schools", r.schoolList(e.Appeal.BoardSchools)))
		}
	}
	return strings.Join(r.b, "\n\n")
}

func (r *renderer) easyText(year string) {
	e := r.e
	switch {
	case e.Unplaced:
		r.para(r.t("placement.easy.unplaced"))
	case e.Fallback && len(e.Declined) == 0:
		r.para(r.t("placement.easy.fallback_no_choice", "School", e.SchoolName, "Dist", r.meters(e.Meters)))
	case e.Fallback:
		r.para(r.t("placement.easy.fallback", "School", e.SchoolName, "Dist", r.meters(e.Meters)))
	case e.ChoiceRank == 1:
		r.para(r.t("placement.easy.placed_first", "School", e.SchoolName, "Dist", r.meters(e.Meters)))
	default:
		r.para(r.t("placement.easy.placed", "School", e.SchoolName, "Rank", e.ChoiceRank, "Dist", r.meters(e.Meters)))
	}
	for _, d := range e.Declined {
		if d.Reason == placement.NotOffered.String() {
			r.para(r.t("placement.easy.not_offered", "School", d.SchoolName, "Rank", d.ChoiceRank, "YearLabel", year))
			continue
		}
		r.lotDec = lotteryDecimals(d)
		s := []string{r.t("placement.easy.outranked", "School", d.SchoolName, "Rank", d.ChoiceRank,
			"Capacity", d.Capacity, "Applicants", d.Applicants)}
		if d.LastAdmitted != nil {
			if same := r.easySame(d); same != "" {
				s = append(s, r.t("placement.easy.tie", "Same", same))
			}
			s = append(s, r.t("placement.easy.decisive", "Criterion", r.criterion(d.Decisive)),
				r.t("placement.easy.last", "Value", r.easyValue(d.Decisive, *d.LastAdmitted)),
				r.t("placement.easy.own", "Value", r.easyValue(d.Decisive, d.Own)))
			switch d.Decisive {
			case "relative_proximity":
				s = append(s, r.t("placement.easy.about_relative"))
			case "absolute_proximity":
				s = append(s, r.t("placement.easy.about_absolute"))
			case "lottery":
				s = append(s, r.t("placement.easy.about_lottery"))
			}
			if d.Decisive != "sibling" && d.Decisive != "lottery" || len(d.Tied) > 0 {
				s = append(s, r.easyResolution())
			}
		}
		r.para(s...)
	}
	if n := e.NearHome; n != nil {
		id := "placement.easy.near_home_met"
		if !n.Met {
			id = "placement.easy.near_home_not_met"
		}
		r.para(r.t(id, "Limit", r.meters(n.LimitMeters)))
	}
	if e.AccessMeters > 0 {
		r.para(r.t("placement.easy.access", "Dist", r.meters(e.AccessMeters)))
	}
	if !e.Unplaced {
		r.para(r.t("placement.easy.appeal_legality"))
		if len(e.Appeal.BoardSchools) > 0 {
			r.para(r.t("placement.easy.appeal_board", "Schools", r.schoolList(e.Appeal.BoardSchools)))
		}
	}
}

func (r *renderer) schoolList(ids []string) string {
	var names []string
	for _, id := range ids {
		for _, d := range r.e.Declined {
			if d.SchoolID == id {
				names = append(names, d.SchoolName)
				break
			}
		}
	}
	return strings.Join(names, ", ")
}

func (r *renderer) year(y int) string {
	if y == 0 {
		return r.t("placement.year_f")
	}
	return r.t("placement.year_n", "Year", y)
}

func (r *renderer) criterion(c string) string {
	switch c {
	case "sibling":
		return r.t("placement.criterion.sibling")
	case "relative_proximity":
		return r.t("placement.criterion.relative_proximity")
	case "absolute_proximity":
		return r.t("placement.criterion.absolute_proximity")
	case "lottery":
		return r.t("placement.criterion.lottery")
	}
	return r.t("placement.criterion.applicant_id")
}

// priority lists a priority's values for the criteria in force, in order.
func (r *renderer) priority(p Priority, school string) string {
	var parts []string
	cs := r.e.Criteria
	for _, c := range cs {
		parts = append(parts, r.valueAt(c, p, school))
	}
	if len(cs) == 0 || cs[len(cs)-1] != "lottery" && !contains(cs, "lottery") {
		parts = append(parts, r.valueAt("lottery", p, school))
	}
	return strings.Join(parts, "; ")
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func (r *renderer) valueAt(c string, p Priority, school string) string {
	switch c {
	case "sibling":
		if p.Sibling {
			return r.t("placement.value.sibling_yes")
		}
		return r.t("placement.value.sibling_no")
	case "relative_proximity":
		if p.NoAlternative {
			return r.t("placement.value.no_alternative")
		}
		id := "placement.value.relative"
		if res := r.e.ResolutionMeters; res > 0 && math.Round((p.AlternativeMeters-p.Meters)/res) != math.Round(p.RelativeMeters/res) {
			// The rounded distances differ by a step from the rounded
			// difference: say how it was computed, so the sum adds up.
			id = "placement.value.relative_rounded"
		}
		return r.t(id, "Relative", r.step(p.RelativeMeters), "Alternative", p.AlternativeName,
			"AltDist", r.step(p.AlternativeMeters), "School", school, "Dist", r.step(p.Meters), "Unit", r.unit())
	case "absolute_proximity":
		return r.t("placement.value.absolute", "Dist", r.step(p.Meters))
	case "lottery":
		return r.t("placement.value.lottery", "Lottery", r.lottery(p.Lottery))
	}
	return r.t("placement.value.applicant_id")
}

// easyValue is one criterion's value in easy words.
func (r *renderer) easyValue(c string, p Priority) string {
	switch c {
	case "relative_proximity":
		if p.NoAlternative {
			return r.t("placement.easy.value_no_alternative")
		}
		return r.t("placement.easy.value_relative", "Relative", r.step(p.RelativeMeters))
	case "absolute_proximity":
		return r.t("placement.easy.value_absolute", "Dist", r.step(p.Meters))
	case "lottery":
		return r.t("placement.easy.value_lottery", "Lottery", r.lottery(p.Lottery))
	}
	return r.valueAt(c, p, "")
}

// meters formats a distance with i18n.Distance: whole metres below 1 km,
// else km with two decimals.
func (r *renderer) meters(m float64) string { return r.l.Distance(m) }

// lottery writes a lottery number with six decimals, or as many more as
// it takes to tell the pupil's from the last admitted pupil's.
func (r *renderer) lottery(v float64) string { return r.l.Number(v, max(6, r.lotDec)) }

// lotteryDecimals is the number of decimals (6 to 17) at which the two
// lottery numbers of a declined choice read differently.
func lotteryDecimals(d Declined) int {
	if d.LastAdmitted == nil || d.LastAdmitted.Lottery == d.Own.Lottery {
		return 6
	}
	for n := 6; n < 17; n++ {
		if i18n.Plain("en", d.Own.Lottery, n) != i18n.Plain("en", d.LastAdmitted.Lottery, n) {
			return n
		}
	}
	return 17
}

// StepDecimals is the number of decimals that writes every whole step of
// a resolution exactly: 0 for whole metres (and coarser), 1 for 0.5 m, 2
// for 0.01 m. 0 for an unknown resolution (explanations from before it).
func StepDecimals(res float64) int {
	for d := 0; d < 2; d++ {
		x := res * math.Pow10(d)
		if math.Abs(x-math.Round(x)) < 1e-9 {
			return d
		}
	}
	return 2
}

// step writes a priority's distance as compared: in metres with the
// resolution's decimals ("3 381 m"), never rounded to km, so that values
// that differ at the resolution read differently.
func (r *renderer) step(m float64) string {
	return r.t("placement.value.meters", "Meters", r.l.Number(m, StepDecimals(r.e.ResolutionMeters)))
}

// unit names the resolution as a unit: "hela meter", "steg om 10 m".
func (r *renderer) unit() string {
	if res := r.e.ResolutionMeters; res != 1 && res > 0 {
		return r.t("placement.value.steps_of", "Step", r.step(res))
	}
	return r.t("placement.value.whole_metres")
}

// resolution is the sentence on how distances are compared.
func (r *renderer) resolution() string {
	res := r.e.ResolutionMeters
	switch {
	case res == 0:
		return ""
	case res == 1:
		return r.t("placement.explain.resolution_whole")
	}
	return r.t("placement.explain.resolution", "Step", r.step(res))
}

func (r *renderer) easyResolution() string {
	res := r.e.ResolutionMeters
	switch {
	case res == 0:
		return ""
	case res == 1:
		return r.t("placement.easy.resolution_whole")
	}
	return r.t("placement.easy.resolution", "Step", r.step(res))
}

// tied lists the ties worth telling, in the rules' order: relative and
// absolute proximity always (with the shared value), sibling priority
// only when both had a sibling at the school.
func (r *renderer) tied(d Declined, easy bool) []string {
	var out []string
	for _, c := range d.Tied {
		switch c {
		case "sibling":
			if d.Own.Sibling {
				out = append(out, r.t("placement.tie.sibling"))
			}
		case "relative_proximity":
			switch {
			case easy:
				out = append(out, r.t("placement.easy.tie_relative"))
			case d.Own.NoAlternative:
				out = append(out, r.t("placement.tie.no_alternative"))
			default:
				out = append(out, r.t("placement.tie.relative", "Value", r.step(d.Own.RelativeMeters)))
			}
		case "absolute_proximity":
			if easy {
				out = append(out, r.t("placement.easy.tie_absolute"))
			} else {
				out = append(out, r.t("placement.tie.absolute", "Value", r.step(d.Own.Meters)))
			}
		}
	}
	return out
}

func (r *renderer) and(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return r.t("placement.list_and", "First", strings.Join(items[:len(items)-1], ", "), "Last", items[len(items)-1])
}

// tie is the sentence on a tie decided by a later criterion, "" when
// the first criterion decided (or everything was equal).
func (r *renderer) tie(d Declined) string {
	items := r.tied(d, false)
	if len(items) == 0 || d.Decisive == "applicant_id" {
		return ""
	}
	return r.t("placement.explain.tie", "Same", r.and(items), "Criterion", r.criterion(d.Decisive),
		"How", r.t("placement.how."+d.Decisive))
}

func (r *renderer) easySame(d Declined) string {
	if d.Decisive == "applicant_id" {
		return ""
	}
	return r.and(r.tied(d, true))
}
