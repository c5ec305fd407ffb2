package dialogue

import "github.com/styrkedjan/styrkedjan/internal/unitpicture"

// SurveySource is the unit picture's source of the pulse surveys' indexes
// (survey.Source; not imported, so dialogue does not depend on survey).
const SurveySource = "survey"

// Temperature returns the unit's pulse-survey indexes from its profile —
// safety, study peace, influence, support as indicators with source
// "survey" — the temperature the preparation pack shows next to the
// results, each with its latest value and whether it moved beyond chance.
func Temperature(prof *unitpicture.Profile) []unitpicture.ProfileRow {
	var out []unitpicture.ProfileRow
	for _, r := range prof.Rows {
		if r.Indicator.Source == SurveySource {
			out = append(out, r)
		}
	}
	return out
}

// temperaturePDF adds the temperature to the pack's PDF.
func temperaturePDF(d interface {
	Heading(string, float64)
	Bullet(string)
}, u UnitPack, lang string, t func(string, ...any) string) {
	if len(u.Temperature) == 0 {
		return
	}
	d.Heading(t("dialogue.prep.temperature"), 11)
	for _, r := range u.Temperature {
		d.Bullet(r.Indicator.Name(lang) + ": " + profileLine(r, lang, t))
	}
}
