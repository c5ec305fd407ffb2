// Package skolverket reads Skolverket's per-school-unit statistics: the
// statistics files exactly as downloaded from skolverket.se (ParseCSV), the
// "planned educations" API v4 (Client) and recorded API responses
// (ReadReplay). It also holds the built-in indicator catalogue (Catalogue).
//
// The package is pure: no database and no HTTP server. It turns source data
// into Units and Values; internal/unitpicture stores them. A missing value
// is never turned into zero: Value.Value is nil and Value.Status keeps why
// ("..", ".", the API's valueType, ...).
//
// Data: public statistics from Skolverket, https://www.skolverket.se.
package skolverket

// Direction says which way an indicator is better.
type Direction int

// The directions.
const (
	LowerIsBetter  Direction = -1
	Neutral        Direction = 0
	HigherIsBetter Direction = 1
)

// Indicator is one catalogue entry: what a value means, its unit and which
// direction is better.
type Indicator struct {
	Key            string // stable, e.g. "merit_value_9"
	NameSV, NameEN string
	Unit           string // "percent", "points", "ratio", "count", "index"
	Direction      Direction
	// Kind decides which change test applies: "share" (binomial, 0–100),
	// "mean" (pupil-level mean), "ratio", "count", "index".
	Kind string
	// PupilSD is, for Kind "mean", the typical pupil-level standard
	// deviation used by stats.ChangeMean (an assumption; see Catalogue).
	PupilSD float64
	// Background marks a background variable (parents' education, share
	// of boys, share of newly immigrated pupils) rather than an outcome.
	Background                         bool
	SchoolForm                         string // "gr", "gy", ...
	Source, DefinitionSV, DefinitionEN string
}

// Status says why a value is missing or approximate. "" means an exact
// value exists.
type Status string

// The statuses from the statistics files. The API's valueType is kept
// verbatim (e.g. "MISSING", "OMITTED_DUE_TO_BASED_ON_FEW_PUPILS") except
// "EXISTS", which becomes StatusOK.
const (
	StatusOK     Status = ""      // a value exists
	StatusFew    Status = ".."    // missing or based on too few pupils (suppressed)
	StatusNoData Status = "."     // no data
	StatusApprox Status = "~"     // approximate, e.g. "~100" (1–4 pupils not eligible)
	StatusCirka  Status = "cirka" // approximate, e.g. "cirka 210"
)

// Unit is a school unit as a source describes it. Empty strings and nil
// coordinates mean the source did not say.
type Unit struct {
	Code, Name, Municipality, MunicipalityCode, OrganizerType, Organizer, OrgNumber string
	Lat, Lon                                                                        *float64
}

// Value is one indicator value for one unit, school year and group.
type Value struct {
	UnitCode, Indicator string   // Indicator is a catalogue key
	SchoolYear          string   // "2024/25"
	Group               string   // "all", "girls", "boys"
	Value               *float64 // nil when missing; never zero for missing
	Status              Status
	Raw                 string // the original text, e.g. "12,4", "..", "~100", "cirka 210"
	Pupils              *int   // number of pupils behind the value when known
	Line                int    // source line (CSV) or record number (replay), 1-based
}

// Problem is a non-fatal finding while reading: the row or record it names
// was skipped or partly read.
type Problem struct {
	Line       int
	Field, Msg string // Msg is in English

	// ID names the message in the i18n catalogs and Args is its template
	// data, so pages can show it in the user's language; empty when only
	// Msg exists.
	ID   string         `json:",omitempty"`
	Args map[string]any `json:",omitempty"`
}

// Report summarises a read.
type Report struct {
	RowsRead, UnitsSeen, ValuesRead int
	Missing                         map[Status]int // values without a number, by status
	UnknownColumns                  []string
	Problems                        []Problem
}

// Data is the result of a read: the units, their values and the report.
type Data struct {
	Units  []Unit
	Values []Value
	Report Report
}

// Groups.
const (
	GroupAll   = "all"
	GroupGirls = "girls"
	GroupBoys  = "boys"
)
