package survey

import (
	"context"
	"math"
	"strconv"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture/skolverket"
)

// IndexNames are the built-in indexes' names (sv, en); another index is
// named by its key.
var IndexNames = map[string][2]string{
	"safety":      {"Trygghet", "Safety"},
	"study_peace": {"Studiero", "Study peace"},
	"influence":   {"Inflytande", "Influence"},
	"support":     {"Stöd", "Support"},
}

var audienceNames = map[string][2]string{
	Pupil:    {"Elevenkät", "Pupil survey"},
	Guardian: {"Vårdnadshavarenkät", "Guardian survey"},
	Staff:    {"Personalenkät", "Staff survey"},
}

// IndicatorKey is the unit picture's key of an index for an audience.
func IndicatorKey(audience, index string) string { return "survey." + audience + "." + index }

// Indicator describes an index as an indicator of the unit picture: a
// mean (0–100, higher is better) whose pupil-level SD is sd.
func Indicator(audience, index string, sd float64) skolverket.Indicator {
	n, ok := IndexNames[index]
	if !ok {
		n = [2]string{index, index}
	}
	a := audienceNames[audience]
	return skolverket.Indicator{Key: IndicatorKey(audience, index), NameSV: a[0] + ": " + n[0], NameEN: a[1] + ": " + n[1],
		Unit: "index", Direction: skolverket.HigherIsBetter, Kind: "mean", PupilSD: sd, Source: Source,
		DefinitionSV: "Medelvärdet av de svarandes eget medelvärde på indexets påståenden, 1 = 0 och 5 = 100 (vet inte räknas inte). Antal = svarande.",
		DefinitionEN: "The mean of the respondents' own means on the index's statements, 1 = 0 and 5 = 100 (don't know not counted). Count = respondents."}
}

// PublishIndicators writes a closed round's indexes into the unit picture
// (auth.ManageSurveys): per index and unit the value of the results (so a
// unit suppressed there, also by complementary suppression, is stored as
// suppressed with no number), pupils = respondents, and the index's
// pupil-level SD of this round. Publishing again overwrites the same
// values (one per unit, school year and index).
func PublishIndicators(ctx context.Context, db store.Q, roundID int64, minGroup int, today string) error {
	p := auth.FromContext(ctx)
	if !mayManage(p) {
		return app.Forbidden()
	}
	res, err := results(ctx, db, roundID, minGroup, today, auth.AllUnits())
	if err != nil {
		return err
	}
	if !res.Closed {
		return app.Errorf(app.ECONFLICT, "survey.err_not_closed")
	}
	return store.InTx(ctx, db, func(tx *store.Tx) error {
		for j, m := range res.Measures {
			if !m.Index {
				continue
			}
			var sd float64
			var vals []unitpicture.FedValue
			for _, row := range res.Rows {
				switch row.Level {
				case LevelOrganizer:
					sd = row.Values[j].sd
				case LevelUnit:
					fv := unitpicture.FedValue{UnitID: row.UnitID, UnitCode: row.UnitCode, UnitName: row.Unit,
						Value: row.Values[j].Mean, Pupils: row.Values[j].N}
					if fv.Value == nil {
						fv.Status = unitpicture.StatusSuppressed
						fv.Pupils = nil
					}
					vals = append(vals, fv)
				}
			}
			if sd <= 0 || math.IsNaN(sd) {
				sd = 20 // an assumption when the round cannot tell (fewer than two respondents)
			}
			if err := unitpicture.Feed(ctx, tx, Indicator(res.Round.Survey.Audience, m.Key, sd), res.Round.SchoolYear, res.Round.YearStart, vals); err != nil {
				return err
			}
		}
		return audit.Log(ctx, tx, "survey.indicators", "survey_round", strconv.FormatInt(roundID, 10), res.Round.Name)
	})
}
