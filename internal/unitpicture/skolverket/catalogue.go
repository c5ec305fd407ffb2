package skolverket

import "fmt"

// Sources named in the catalogue.
const (
	SourceSlutbetyg = "Skolverket, statistik per skolenhet: slutbetyg årskurs 9 (https://www.skolverket.se)"
	SourceAPI       = "Skolverket, API för planerade utbildningar v4, statistik per skolenhet (https://www.skolverket.se)"
	SourceSALSA     = "Skolverket, SALSA – bakgrundsvariabler per skolenhet (https://www.skolverket.se); or the organizer's own data"
)

// Pupil-level standard deviations used by the change test for Kind "mean"
// (stats.ChangeMean). They are assumptions, not published figures:
//
//   - merit value (0–340 points): about 65 points. National merit-value
//     distributions in Skolverket's grade statistics span roughly 0–340
//     with most pupils between 150 and 300; 65 is a deliberately generous
//     round figure so that the test errs towards "no change".
//   - national test average (test-grade points 0–20, E=10 … A=20): about
//     4.5 points, by the same reasoning.
//
// The organizer can override them in its own indicator definitions.
const (
	MeritValuePupilSD   = 65.0
	NationalTestPupilSD = 4.5
)

// Catalogue returns the built-in indicators, a fresh copy each call. Keys
// are stable; they are what the database stores.
func Catalogue() []Indicator {
	c := []Indicator{
		{Key: "merit_value_9", NameSV: "Genomsnittligt meritvärde årskurs 9 (17 ämnen)", NameEN: "Average merit value year 9 (17 subjects)",
			Unit: "points", Direction: HigherIsBetter, Kind: "mean", PupilSD: MeritValuePupilSD, SchoolForm: "gr", Source: SourceSlutbetyg,
			DefinitionSV: "Summan av betygsvärdena för de 16 bästa betygen plus moderna språk (max 340), medelvärde för elever med minst ett godkänt betyg.",
			DefinitionEN: "Sum of the grade values of the 16 best grades plus modern languages (max 340), averaged over pupils with at least one pass grade."},
		{Key: "pass_all_subjects_9", NameSV: "Andel (%) elever som uppnått kunskapskraven i alla ämnen, årskurs 9", NameEN: "Share (%) of pupils passing all subjects, year 9",
			Unit: "percent", Direction: HigherIsBetter, Kind: "share", SchoolForm: "gr", Source: SourceSlutbetyg,
			DefinitionSV: "Andel elever med godkänt betyg i alla ämnen som ingått i elevens utbildning.",
			DefinitionEN: "Share of pupils with a pass grade in every subject of their education."},
		{Key: "pass_all_subjects_6", NameSV: "Andel (%) elever som uppnått kunskapskraven i alla ämnen, årskurs 6", NameEN: "Share (%) of pupils passing all subjects, year 6",
			Unit: "percent", Direction: HigherIsBetter, Kind: "share", SchoolForm: "gr", Source: SourceAPI,
			DefinitionSV: "Andel elever i årskurs 6 med godkänt betyg i alla ämnen.", DefinitionEN: "Share of year-6 pupils with a pass grade in every subject."},
	}
	progs := []struct{ key, api, sv, en string }{
		{"eligible_vocational_9", "YR", "yrkesprogram", "vocational programmes"},
		{"eligible_natural_science_9", "NATE", "natur- och teknikprogrammen", "natural science and technology programmes"},
		{"eligible_econ_hum_soc_9", "SAEKHU", "ekonomi-, humanistiska och samhällsvetenskapsprogrammen", "economics, humanities and social science programmes"},
		{"eligible_arts_9", "ES", "estetiska programmet", "the arts programme"},
	}
	for _, p := range progs {
		c = append(c, Indicator{Key: p.key, NameSV: "Andel (%) elever behöriga till " + p.sv, NameEN: "Share (%) of pupils eligible for " + p.en,
			Unit: "percent", Direction: HigherIsBetter, Kind: "share", SchoolForm: "gr", Source: SourceSlutbetyg,
			DefinitionSV: "Andel elever i årskurs 9 som är behöriga att söka till " + p.sv + ". \"~100\" betyder att 1–4 elever inte är behöriga.",
			DefinitionEN: "Share of year-9 pupils eligible to apply to " + p.en + ". \"~100\" means 1–4 pupils are not eligible."})
	}
	subjects := []struct{ code, sv, en string }{
		{"sve", "svenska", "Swedish"}, {"sva", "svenska som andraspråk", "Swedish as a second language"},
		{"eng", "engelska", "English"}, {"ma", "matematik", "mathematics"},
	}
	for _, y := range []int{6, 9} {
		for _, s := range subjects {
			c = append(c, Indicator{Key: fmt.Sprintf("national_test_%s_%d", s.code, y),
				NameSV: fmt.Sprintf("Genomsnittligt provbetyg nationella prov i %s, årskurs %d", s.sv, y),
				NameEN: fmt.Sprintf("Average national test result in %s, year %d", s.en, y),
				Unit:   "points", Direction: HigherIsBetter, Kind: "mean", PupilSD: NationalTestPupilSD, SchoolForm: "gr", Source: SourceAPI,
				DefinitionSV: "Genomsnittligt provbetygsvärde (F=0, E=10, D=12,5, C=15, B=17,5, A=20).",
				DefinitionEN: "Average test-grade value (F=0, E=10, D=12.5, C=15, B=17.5, A=20)."})
		}
	}
	c = append(c,
		Indicator{Key: "certified_teachers", NameSV: "Andel (%) lärare med lärarlegitimation och behörighet", NameEN: "Share (%) of certified teachers",
			Unit: "percent", Direction: HigherIsBetter, Kind: "ratio", SchoolForm: "gr", Source: SourceAPI,
			DefinitionSV: "Andel lärare (heltidstjänster) med legitimation och behörighet i minst ett ämne. Andel av lärare, inte av elever.",
			DefinitionEN: "Share of teachers (full-time equivalents) certified for at least one subject. A share of teachers, not of pupils."},
		Indicator{Key: "pupils_per_teacher", NameSV: "Antal elever per lärare (heltidstjänst)", NameEN: "Pupils per teacher (full-time equivalent)",
			Unit: "ratio", Direction: LowerIsBetter, Kind: "ratio", SchoolForm: "gr", Source: SourceAPI,
			DefinitionSV: "Antal elever delat med antal lärare omräknat till heltidstjänster.", DefinitionEN: "Pupils divided by teachers in full-time equivalents."},
		Indicator{Key: "special_educators", NameSV: "Specialpedagoger och speciallärare (Skolverkets mått)", NameEN: "Special educators and special-needs teachers (Skolverket's measure)",
			Unit: "ratio", Direction: HigherIsBetter, Kind: "ratio", SchoolForm: "gr", Source: SourceAPI,
			DefinitionSV: "Skolverkets specialEducatorsQuota: specialpedagoger och speciallärare i förhållande till antalet elever, som Skolverket redovisar det.",
			DefinitionEN: "Skolverket's specialEducatorsQuota: special educators and special-needs teachers relative to the number of pupils, as Skolverket publishes it."},
		Indicator{Key: "special_teacher_positions", NameSV: "Speciallärar- och specialpedagogtjänster (heltidstjänster)", NameEN: "Special-needs teacher positions (full-time equivalents)",
			Unit: "count", Direction: Neutral, Kind: "count", SchoolForm: "gr", Source: SourceAPI,
			DefinitionSV: "Skolverkets specialTeacherPositions: antal tjänster omräknat till heltid.", DefinitionEN: "Skolverket's specialTeacherPositions: positions in full-time equivalents."},
		Indicator{Key: "pupils", NameSV: "Antal elever", NameEN: "Number of pupils",
			Unit: "count", Direction: Neutral, Kind: "count", SchoolForm: "gr", Source: SourceAPI,
			DefinitionSV: "Antal elever på skolenheten (alla årskurser i skolformen). \"cirka 210\" är avrundat av Skolverket.",
			DefinitionEN: "Pupils at the school unit (all years of the school form). \"cirka 210\" is rounded by Skolverket."},
		Indicator{Key: "pupils_grade9", NameSV: "Antal elever som avslutat årskurs 9", NameEN: "Pupils finishing year 9",
			Unit: "count", Direction: Neutral, Kind: "count", SchoolForm: "gr", Source: SourceSlutbetyg,
			DefinitionSV: "Antal elever som har avslutat årskurs 9, även elever som saknar godkänt betyg i alla ämnen.",
			DefinitionEN: "Pupils who finished year 9, including those without a pass grade in every subject."},
		Indicator{Key: "parents_education", NameSV: "Föräldrarnas genomsnittliga utbildningsnivå", NameEN: "Parents' average education level",
			Unit: "index", Direction: Neutral, Kind: "index", Background: true, SchoolForm: "gr", Source: SourceSALSA,
			DefinitionSV: "Index cirka 1–3: 1 förgymnasial, 2 gymnasial, 3 eftergymnasial utbildning, medelvärde för skolenhetens elever (SALSA).",
			DefinitionEN: "Index about 1–3: 1 compulsory, 2 upper-secondary, 3 post-secondary education, averaged over the unit's pupils (SALSA)."},
		Indicator{Key: "share_boys", NameSV: "Andel (%) pojkar", NameEN: "Share (%) of boys",
			Unit: "percent", Direction: Neutral, Kind: "share", Background: true, SchoolForm: "gr", Source: SourceSALSA,
			DefinitionSV: "Andel pojkar bland eleverna (SALSA). SALSA-modellen använder andelen som 0–1.",
			DefinitionEN: "Share of boys among the pupils (SALSA). The SALSA model uses it as a proportion 0–1."},
		Indicator{Key: "share_newly_immigrated", NameSV: "Andel (%) nyinvandrade elever", NameEN: "Share (%) of newly immigrated pupils",
			Unit: "percent", Direction: Neutral, Kind: "share", Background: true, SchoolForm: "gr", Source: SourceSALSA,
			DefinitionSV: "Andel elever som invandrat de senaste fyra åren (SALSA). SALSA-modellen använder andelen som 0–1.",
			DefinitionEN: "Share of pupils who immigrated in the last four years (SALSA). The SALSA model uses it as a proportion 0–1."},
	)
	return c
}

// Lookup returns the catalogue indicator with the key.
func Lookup(key string) (Indicator, bool) {
	for _, in := range Catalogue() {
		if in.Key == key {
			return in, true
		}
	}
	return Indicator{}, false
}

// apiKeys maps the statistics field names of the planned-educations API v4
// to catalogue keys.
var apiKeys = map[string]string{
	"averageGradesMeritRating9thGrade":                      "merit_value_9",
	"ratioOfPupilsIn9thGradeWithAllSubjectsPassed":          "pass_all_subjects_9",
	"ratioOfPupilsIn6thGradeWithAllSubjectsPassed":          "pass_all_subjects_6",
	"ratioOfPupils9thGradeEligibleForNationalProgramYR":     "eligible_vocational_9",
	"ratioOfPupils9thGradeEligibleForNationalProgramNATE":   "eligible_natural_science_9",
	"ratioOfPupils9thGradeEligibleForNationalProgramSAEKHU": "eligible_econ_hum_soc_9",
	"ratioOfPupils9thGradeEligibleForNationalProgramES":     "eligible_arts_9",
	"averageResultNationalTestsSubjectSVE6thGrade":          "national_test_sve_6",
	"averageResultNationalTestsSubjectSVA6thGrade":          "national_test_sva_6",
	"averageResultNationalTestsSubjectENG6thGrade":          "national_test_eng_6",
	"averageResultNationalTestsSubjectMA6thGrade":           "national_test_ma_6",
	"averageResultNationalTestsSubjectSVE9thGrade":          "national_test_sve_9",
	"averageResultNationalTestsSubjectSVA9thGrade":          "national_test_sva_9",
	"averageResultNationalTestsSubjectENG9thGrade":          "national_test_eng_9",
	"averageResultNationalTestsSubjectMA9thGrade":           "national_test_ma_9",
	"certifiedTeachersQuota":                                "certified_teachers",
	"studentsPerTeacherQuota":                               "pupils_per_teacher",
	"specialEducatorsQuota":                                 "special_educators",
	"specialTeacherPositions":                               "special_teacher_positions",
	"totalNumberOfPupils":                                   "pupils",
}
