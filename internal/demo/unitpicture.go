package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture/skolverket"
)

// UnitPictureSource is the source label of the demo's (fictional) values.
const UnitPictureSource = "demo"

// UnitPictureYears are the school years of the demo's unit picture. The
// last, 2025/26, is the spring term after the demo's spring 2026 dialogues,
// published in the autumn of 2026 (dialogue.PublishedOn): their actions'
// follow-up.
var UnitPictureYears = []string{"2019/20", "2020/21", "2021/22", "2022/23", "2023/24", "2024/25", "2025/26"}

// followUpYear is the demo's year after its spring 2026 actions; its values
// come from a random stream of their own, so the earlier years stay as
// they were before it was added.
const followUpYear = "2025/26"

// followUpJump moves a unit's year-9 results in followUpYear beyond chance
// (merit points), so that the spring actions' follow-up shows one that
// moved (Norrberg), one that got worse (Södra) and, elsewhere, actions
// that did not clearly move.
var followUpJump = map[string]float64{"93000302": 35, "93000303": -35}

// nationalBase is the demo's national (riket) value of an indicator in
// 2019/20 and its change per year, in the spirit of Skolverket's national
// figures, with the national pupil counts behind them.
var nationalBase = map[string]struct {
	value, trend float64
	decimals     int
	pupils       int
}{
	"merit_value_9": {229.8, 0.4, 1, 118000}, "pass_all_subjects_9": {75.1, -0.2, 1, 118000},
	"eligible_vocational_9": {84.2, -0.1, 1, 118000}, "eligible_natural_science_9": {76.5, 0.1, 1, 118000},
	"eligible_econ_hum_soc_9": {80.3, 0, 1, 118000}, "eligible_arts_9": {82.6, 0, 1, 118000},
	"pass_all_subjects_6": {76.8, -0.3, 1, 121000},
	"national_test_sve_6": {13.0, 0.02, 1, 119000}, "national_test_eng_6": {14.0, 0.05, 1, 119000}, "national_test_ma_6": {12.2, -0.03, 1, 119000},
	"national_test_sve_9": {12.5, 0, 1, 115000}, "national_test_eng_9": {13.9, 0.04, 1, 115000}, "national_test_ma_9": {10.6, -0.05, 1, 115000},
	"certified_teachers": {71.5, 0.3, 1, 0}, "pupils_per_teacher": {12.1, 0.05, 1, 0}, "special_educators": {1.6, 0.02, 2, 0},
}

// pictureUnit is the character of one demo grundskola unit: its pupils'
// background, a unit effect on results and a trend per year (so that some
// units clearly improve and some fall).
type pictureUnit struct {
	code            string
	y6, y9          bool    // has year 6 / year 9
	edu             float64 // parents' education index (1–3)
	boys, immigrant float64 // shares in percent
	effect          float64 // results above (+) or below (−) what background predicts, merit points
	trend           float64 // change per year, merit points (year-6 shares move by 1.5·trend percentage points)
	cohort          int     // pupils per year group
}

var pictureUnits = []pictureUnit{
	{"92000201", true, false, 2.45, 51, 2, 6, 0, 52},     // Ekbacka: advantaged, steady
	{"92000202", true, false, 2.30, 49, 3, 0, 0, 46},     // Björkdalen
	{"92000203", true, false, 2.10, 52, 5, -2, -3.5, 40}, // Sjöviken: falling
	{"92000204", true, false, 2.00, 50, 7, 4, 0.5, 44},   // Lindåsen
	{"92000205", true, false, 1.75, 53, 14, -4, 4, 38},   // Tallmo: clearly improving
	{"92000206", true, false, 1.85, 48, 10, 2, 0, 35},    // Ängsbacka
	{"92000207", true, true, 2.15, 50, 6, 3, 0.5, 55},    // Hagaskolan F–9
	{"92000208", true, true, 2.05, 54, 4, -6, 0, 24},     // Kvarnby F–9: small; one year under 10 in year 9
	{"93000301", false, true, 2.20, 50, 6, 2, 0, 118},    // Centralskolan
	{"93000302", false, true, 1.80, 52, 16, -3, 6, 96},   // Norrberg: clearly improving
	{"93000303", false, true, 1.70, 55, 18, -8, -5, 104}, // Södra: falling, below expectation
}

// UnitPictureData returns the demo's fictional unit picture: plausible
// values for Exempelby's grundskola units over seven school years for the
// catalogue indicators, background variables included, with pupil counts,
// a few ".." values and one year in which a unit has fewer than 10 pupils.
// It is deterministic (fixed seed).
func UnitPictureData() *skolverket.Data {
	rng := rand.New(rand.NewPCG(2026, 5))
	followRNG := rand.New(rand.NewPCG(2026, 6))
	d := &skolverket.Data{}
	noise := func(sd float64) float64 { return rng.NormFloat64() * sd }
	add := func(code, key, year string, x float64, decimals int, pupils int) {
		x = roundTo(x, decimals)
		v := skolverket.Value{UnitCode: code, Indicator: key, SchoolYear: year, Group: skolverket.GroupAll, Value: &x,
			Raw: strings.Replace(strconv.FormatFloat(x, 'f', decimals, 64), ".", ",", 1)}
		if pupils > 0 {
			p := pupils
			v.Pupils = &p
		}
		d.Values = append(d.Values, v)
	}
	missing := func(code, key, year string, pupils int) {
		v := skolverket.Value{UnitCode: code, Indicator: key, SchoolYear: year, Group: skolverket.GroupAll, Status: skolverket.StatusFew, Raw: ".."}
		if pupils > 0 {
			v.Pupils = &pupils
		}
		d.Values = append(d.Values, v)
	}
	for _, u := range pictureUnits {
		d.Units = append(d.Units, skolverket.Unit{Code: u.code, Municipality: "Exempelby", MunicipalityCode: "9999",
			OrganizerType: "Kommunal", Organizer: "Exempelby kommun", OrgNumber: "2120009999"})
	}
	// Each unit's years: the first six from rng, the follow-up year from a
	// stream of its own (the values of the earlier years do not change
	// with it).
	for pass, years := range [][]string{UnitPictureYears[:len(UnitPictureYears)-1], {followUpYear}} {
		if pass == 1 {
			rng = followRNG
		}
		for _, u := range pictureUnits {
			unitYears(d, u, years, add, missing, noise, rng)
		}
	}
	// The national values (riket) as Skolverket's files carry them.
	for t, year := range UnitPictureYears {
		for _, c := range skolverket.Catalogue() {
			nb, ok := nationalBase[c.Key]
			if !ok || ((c.Key == "national_test_sve_9" || c.Key == "national_test_eng_9" || c.Key == "national_test_ma_9") && t < 2) {
				continue
			}
			add(unitpicture.NationalCode, c.Key, year, nb.value+nb.trend*float64(t), nb.decimals, nb.pupils)
		}
	}
	d.Report = skolverket.Report{RowsRead: len(pictureUnits) * len(UnitPictureYears), UnitsSeen: len(pictureUnits), ValuesRead: len(d.Values)}
	return d
}

// unitYears adds one unit's values for the given school years.
func unitYears(d *skolverket.Data, u pictureUnit, years []string, add func(code, key, year string, x float64, decimals int, pupils int),
	missing func(code, key, year string, pupils int), noise func(sd float64) float64, rng *rand.Rand) {
	{
		for _, year := range years {
			t := slices.Index(UnitPictureYears, year)
			ft := float64(t)
			edu := u.edu + noise(0.02)
			boys := clampTo(u.boys+noise(1.5), 35, 65)
			imm := clampTo(u.immigrant+noise(1), 0, 40)
			add(u.code, "parents_education", year, edu, 2, 0)
			add(u.code, "share_boys", year, boys, 1, 0)
			add(u.code, "share_newly_immigrated", year, imm, 1, 0)
			grades := 0
			if u.y6 {
				grades += 7 // förskoleklass and years 1–6
			}
			if u.y9 {
				grades += 3
			}
			pupils := u.cohort * grades
			add(u.code, "pupils", year, float64(pupils+rng.IntN(11)-5), 0, 0)
			// Resources: the organizer gives a little more to units with
			// greater needs (lower parents' education).
			add(u.code, "pupils_per_teacher", year, 11+3*(edu-1.7)+noise(0.4), 1, 0)
			add(u.code, "certified_teachers", year, clampTo(80+10*(edu-2)+noise(3), 50, 100), 1, 0)
			add(u.code, "special_educators", year, clampTo(1.6-0.8*(edu-2)+noise(0.15), 0.3, 4), 2, 0)
			if u.y6 {
				n6 := u.cohort + rng.IntN(7) - 3
				share := clampTo(72+28*(edu-2)+u.effect*0.8+u.trend*1.5*ft+noise(2.5), 30, 100)
				add(u.code, "pass_all_subjects_6", year, share, 1, n6)
				for _, s := range []struct {
					key  string
					base float64
				}{{"national_test_sve_6", 13.2}, {"national_test_eng_6", 14.1}, {"national_test_ma_6", 12.4}} {
					add(u.code, s.key, year, clampTo(s.base+2.2*(edu-2)+u.effect*0.06+u.trend*0.03*ft+noise(0.35), 6, 19), 1, n6-1)
				}
				// Swedish as a second language: few pupils, usually "..".
				if u.immigrant >= 10 && t >= 3 {
					add(u.code, "national_test_sva_6", year, 10.5+noise(0.5), 1, 10+rng.IntN(4))
				} else {
					missing(u.code, "national_test_sva_6", year, 0)
				}
			}
			if u.y9 {
				n9 := u.cohort + rng.IntN(9) - 4
				if u.code == "92000208" && year == "2021/22" {
					n9 = 8 // a small year group: suppressed everywhere
				}
				add(u.code, "pupils_grade9", year, float64(n9), 0, 0)
				merit := 93.567 + 69.846*edu - 35.271*boys/100 - 83.641*imm/100 + u.effect + u.trend*ft + noise(3)
				if year == followUpYear {
					merit += followUpJump[u.code]
				}
				add(u.code, "merit_value_9", year, merit, 1, n9)
				pass := clampTo(76+0.45*(merit-225)+noise(2), 35, 100)
				add(u.code, "pass_all_subjects_9", year, pass, 1, n9)
				for _, p := range []struct {
					key string
					off float64
				}{{"eligible_vocational_9", 8}, {"eligible_natural_science_9", 0}, {"eligible_econ_hum_soc_9", 3}, {"eligible_arts_9", 5}} {
					add(u.code, p.key, year, clampTo(pass+p.off+noise(1.5), 30, 100), 1, n9)
				}
				for _, s := range []struct {
					key  string
					base float64
				}{{"national_test_sve_9", 12.6}, {"national_test_eng_9", 13.8}, {"national_test_ma_9", 10.9}} {
					if year == "2019/20" || year == "2020/21" {
						// No national tests in the pandemic years.
						d.Values = append(d.Values, skolverket.Value{UnitCode: u.code, Indicator: s.key, SchoolYear: year,
							Group: skolverket.GroupAll, Status: skolverket.StatusNoData, Raw: "."})
						continue
					}
					add(u.code, s.key, year, clampTo(s.base+(merit-225)*0.04+noise(0.3), 5, 19), 1, n9-2)
				}
			}
		}
	}
}

// LoadUnitPicture imports the demo's unit picture (idempotently).
func LoadUnitPicture(ctx context.Context, db store.Q) error {
	if _, err := unitpicture.Import(ctx, db, auth.System, UnitPictureData(), UnitPictureSource, "Exempelby (fiktiva värden)"); err != nil {
		return fmt.Errorf("demo unit picture: %w", err)
	}
	return nil
}

func roundTo(x float64, decimals int) float64 {
	p := math.Pow10(decimals)
	return math.Round(x*p) / p
}

func clampTo(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }
