package dialogue

import (
	"fmt"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture"
)

// The follow-up of an action follows when its values can exist.
//
// Publication rule: Skolverket publishes a school year's results (final
// grades, national tests, staff) in the autumn after the year ends; we take
// 1 October of the year in which the school year ends (2024/25 on
// 2025-10-01). A school year ends on 30 June.
//
// An action's baseline is the last value published on or before the day
// the action was agreed (the dialogue's held_on). Its verdict uses only
// values of school years that end after that day. A school year that ended
// before the action but was published after it (an action agreed in August)
// is neither: it says nothing about the action's effect and was not known
// when the action was agreed. An older baseline can be chosen explicitly;
// it is then labelled as such (BasisOlder), never as "since the action".

// Bases of a follow-up.
const (
	BasisAction = "action" // the last value published before the action was agreed
	BasisOlder  = "older"  // an older baseline chosen explicitly
)

// NotYetMeasurable: no value of a school year after the action exists yet.
const NotYetMeasurable = "not_yet_measurable"

// PublishMonthDay is the day (MM-DD) in the autumn after a school year ends
// on which its values are taken to be published.
const PublishMonthDay = "10-01"

// PublishedOn returns the date a school year's values are published
// ("2024/25" → "2025-10-01"); "" for a malformed year.
func PublishedOn(schoolYear string) string {
	ys, ok := unitpicture.YearStart(schoolYear)
	if !ok {
		return ""
	}
	return fmt.Sprintf("%04d-%s", ys+1, PublishMonthDay)
}

// YearEnds returns the last day of a school year ("2024/25" → "2025-06-30").
func YearEnds(schoolYear string) string {
	ys, ok := unitpicture.YearStart(schoolYear)
	if !ok {
		return ""
	}
	return fmt.Sprintf("%04d-06-30", ys+1)
}

// BaselineYearFor returns the school year of the last value published on
// or before date (YYYY-MM-DD): an action agreed on 2026-03-15 has the
// baseline 2024/25.
func BaselineYearFor(date string) string {
	y, ok := dateYear(date)
	if !ok {
		return ""
	}
	if date[4:] >= "-"+PublishMonthDay {
		return unitpicture.SchoolYear(y - 1)
	}
	return unitpicture.SchoolYear(y - 2)
}

// FirstFollowUpYear returns the first school year that ends after date:
// for an action agreed on 2026-03-15, 2025/26 (ends 2026-06-30).
func FirstFollowUpYear(date string) string {
	y, ok := dateYear(date)
	if !ok {
		return ""
	}
	if date[4:] < "-06-30" {
		return unitpicture.SchoolYear(y - 1)
	}
	return unitpicture.SchoolYear(y)
}

func dateYear(date string) (int, bool) {
	if len(date) != 10 || date[4] != '-' {
		return 0, false
	}
	var y int
	if _, err := fmt.Sscanf(date[:4], "%d", &y); err != nil {
		return 0, false
	}
	return y, true
}

// VerdictInput is everything the verdict of one action's indicator rests on.
type VerdictInput struct {
	Indicator unitpicture.Indicator
	AgreedOn  string // the day the action was agreed (the dialogue's date)
	// The stored baseline: the year chosen when the action was agreed ("" =
	// by the rule), its value and pupils as then read.
	BaselineYear   string
	Baseline       *float64
	BaselinePupils *int
	// Series is the unit's values of the indicator (group "all"), any
	// years, suppressed below MinPupils.
	Series []unitpicture.Point
	Target *float64
	Today  string // for the date the next value is expected
}

// Verdict is the one judgement of an action's indicator, used by every
// page, file and API answer. Pure.
//
// The baseline: the stored one when it is the rule's year (the last value
// published before the action) or older (then Basis is BasisOlder); a
// stored year after the rule's (a value not yet known when the action was
// agreed) is ignored and the rule's year is used. The follow-up: only
// values of school years ending after AgreedOn (Years names those with a
// value); the latest with a value is compared with the baseline by
// unitpicture.TestChange. Without any such year: NotYetMeasurable with the
// date the next value is expected (ExpectedOn).
func Verdict(in VerdictInput) FollowUp {
	rule := BaselineYearFor(in.AgreedOn)
	f := FollowUp{Verdict: TooLittleData, Basis: BasisAction, BaselineYear: rule}
	byYear := map[string]unitpicture.Point{}
	for _, p := range in.Series {
		byYear[p.Year] = p
	}
	switch {
	case in.BaselineYear != "" && rule != "" && in.BaselineYear < rule:
		f.Basis, f.BaselineYear = BasisOlder, in.BaselineYear
		f.Baseline = stored(in)
	case in.BaselineYear == rule && in.Baseline != nil:
		f.Baseline = stored(in)
	default:
		f.Baseline = byYear[rule]
		f.Baseline.Year = rule
	}
	first := FirstFollowUpYear(in.AgreedOn)
	var after []unitpicture.Point
	for _, p := range in.Series {
		if first != "" && p.Year >= first {
			after = append(after, p)
		}
	}
	sortPoints(after)
	for _, p := range after {
		if p.Has() {
			f.Years = append(f.Years, p.Year)
			f.Latest = p
		}
	}
	if len(after) == 0 {
		f.Verdict = NotYetMeasurable
		f.ExpectedOn = expected(first, in.Today)
		return f
	}
	if !f.Latest.Has() {
		// Years after the action exist, but none with a number.
		f.Latest = after[len(after)-1]
		return f
	}
	if in.Target != nil {
		switch in.Indicator.Direction {
		case 1:
			f.TargetMet = *f.Latest.Value >= *in.Target
		case -1:
			f.TargetMet = *f.Latest.Value <= *in.Target
		}
	}
	if !f.Baseline.Has() {
		return f
	}
	c := unitpicture.TestChange(in.Indicator, f.Baseline, f.Latest)
	f.Change = &c
	switch c.Move {
	case unitpicture.Better:
		f.Verdict = Moved
	case unitpicture.Worse:
		f.Verdict = Worse
	case unitpicture.NoChange:
		f.Verdict = NotMoved
	case unitpicture.NotTested:
		f.Verdict = NotTestable
	}
	return f
}

func stored(in VerdictInput) unitpicture.Point {
	p := unitpicture.Point{Year: in.BaselineYear, Value: in.Baseline, Pupils: in.BaselinePupils}
	if ys, ok := unitpicture.YearStart(in.BaselineYear); ok {
		p.YearStart = ys
	}
	if in.BaselinePupils != nil && *in.BaselinePupils < unitpicture.MinPupils {
		p.Value, p.Pupils, p.Suppressed, p.Status = nil, nil, true, unitpicture.StatusSuppressed
	}
	return p
}

// expected returns the publication date of the first follow-up year, or,
// when that has passed without a value, the next publication day on or
// after today.
func expected(first, today string) string {
	d := PublishedOn(first)
	if d == "" || today == "" || d >= today {
		return d
	}
	y, ok := dateYear(today)
	if !ok {
		return d
	}
	next := fmt.Sprintf("%04d-%s", y, PublishMonthDay)
	if next < today {
		next = fmt.Sprintf("%04d-%s", y+1, PublishMonthDay)
	}
	return next
}

func sortPoints(ps []unitpicture.Point) {
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].Year < ps[j-1].Year; j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

// TestName returns the message ID naming the change test the indicator's
// kind uses ("" when none applies).
func TestName(ind unitpicture.Indicator) string {
	switch {
	case ind.Direction == 0:
		return ""
	case ind.Kind == "share":
		return "dialogue.test.share"
	case ind.Kind == "mean" && ind.PupilSD > 0:
		return "dialogue.test.mean"
	}
	return ""
}

// IndicatorValue writes a value of the indicator with its unit named
// ("4,5 poäng", "87,2 %").
func IndicatorValue(ind unitpicture.Indicator, x float64, lang string, t Translate) string {
	switch ind.Unit {
	case "percent":
		return i18n.Percent(lang, x, 1)
	case "points":
		return t("dialogue.unit.points", "N", FormatValue(x, lang))
	}
	return FormatValue(x, lang)
}

// PointText writes a point: the value with its unit and year, or why there
// is none.
func PointText(ind unitpicture.Indicator, p unitpicture.Point, lang string, t Translate) string {
	switch {
	case p.Suppressed:
		return t("dialogue.value.suppressed") + " (" + p.Year + ")"
	case p.Value == nil && p.Year != "":
		return t("dialogue.value.none") + " (" + p.Year + ")"
	case p.Value == nil:
		return t("dialogue.value.none")
	}
	return IndicatorValue(ind, *p.Value, lang, t) + " (" + p.Year + ")"
}

// VerdictText is the verdict in words, the same on every page and in every
// file: "Bättre" and "Sämre" only beyond chance with the test named, a
// change within chance a difference, "not yet measurable" with the date.
func (i ActionIndicator) VerdictText(t Translate) string {
	f := i.FollowUp
	switch f.Verdict {
	case Moved, Worse, NotMoved:
		return t("dialogue.followup."+f.Verdict, "Test", t(TestName(i.Indicator)))
	case NotYetMeasurable:
		return t("dialogue.followup.not_yet_measurable", "Date", f.ExpectedOn)
	}
	return t("dialogue.followup." + f.Verdict)
}

// BasisText says what the verdict compares: since the action (the last
// value published before it and the years after it), or an older baseline
// chosen explicitly.
func (i ActionIndicator) BasisText(t Translate) string {
	f := i.FollowUp
	years := strings.Join(f.Years, ", ")
	switch {
	case f.Basis == BasisOlder && years != "":
		return t("dialogue.basis.older", "Baseline", f.BaselineYear, "Years", years)
	case f.Basis == BasisOlder:
		return t("dialogue.basis.older_none", "Baseline", f.BaselineYear)
	case years != "":
		return t("dialogue.basis.action", "Baseline", f.BaselineYear, "Years", years)
	}
	return t("dialogue.basis.action_none", "Baseline", f.BaselineYear)
}

// Line is one indicator's follow-up in one sentence for lists and files:
// the name, baseline → latest, the verdict and what it compares.
func (i ActionIndicator) Line(lang string, t Translate) string {
	f := i.FollowUp
	s := i.Name(lang) + ": " + PointText(i.Indicator, f.Baseline, lang, t)
	if f.Latest.Year != "" {
		s += " → " + PointText(i.Indicator, f.Latest, lang, t)
		if f.National != nil {
			s += "; " + t("dialogue.prep.col.national") + " " + IndicatorValue(i.Indicator, f.National.Value, lang, t)
		}
	}
	s += ". " + i.VerdictText(t) + " (" + i.BasisText(t) + ")"
	if f.TargetMet {
		s += ". " + t("dialogue.ind.target_met")
	}
	return s
}
