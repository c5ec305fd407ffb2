package web

import (
	"net/http"

	"github.com/styrkedjan/styrkedjan/internal/chart"
	"github.com/styrkedjan/styrkedjan/internal/dialogue"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
)

// The chart of an initiative's effect view (difference in differences):
// the participating units' mean and the other units' mean, before and
// after the start, as two lines (chart.BeforeAfterChart). Served like the
// unit picture's charts (unitpicture_charts.go): its own SVG document from
// its own route with its own CSP, shown with <img> whose alt points to the
// table beside it, which carries the same figures. Drawn from the same
// Effect as the table.

func (s *Server) dialogueEffectChart(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	e, err := dialogue.InitiativeEffect(r.Context(), s.db, id)
	if err != nil {
		return err
	}
	b, err := effectChart(e, s.pageLocalizer(r, "dialogue_initiative"))
	if err != nil {
		return err
	}
	return sendSVG(w, b)
}

// effectChart draws the two groups' means before and after the start; nil
// when neither group has a unit with values in both periods.
func effectChart(e *dialogue.Effect, l *i18n.Localizer) ([]byte, error) {
	start := e.Initiative.StartSchoolYear()
	name := e.Indicator.Name(l.Lang)
	return chart.BeforeAfterChart(chart.BeforeAfter{Heading: name,
		Doc:    chart.Doc{Lang: l.Lang, Title: e.Initiative.Name, Desc: l.T("dialogue.effect.chart.alt", "Indicator", name), NotFromZero: l.T("upw.chart.not_from_zero")},
		Before: l.T("dialogue.effect.chart.before", "Start", start), After: l.T("dialogue.effect.chart.after", "Start", start),
		Groups: []chart.Group{
			{Label: l.T("dialogue.effect.treated"), Before: e.Treated.Before, After: e.Treated.After, OK: e.Treated.OK},
			{Label: l.T("dialogue.effect.control"), Before: e.Control.Before, After: e.Control.After, OK: e.Control.OK, Dashed: true},
		}})
}
