// Package round keeps school placement rounds in the database (issue 7):
// walking networks, a round's inputs (rules, schools, applicants), runs
// with persisted progress, results per applicant with their explanations,
// what-ifs with changed capacities, and publishing through private links
// for guardians. The engine is internal/placement/batch; this package
// stores its inputs and outputs and runs it in the background.
//
// Applicants' homes, choices and decisions are personal data: only roles
// with auth.RunPlacement read them, and every read is audited. Guardians
// read one decision through a link whose token only its SHA-256 digest
// stores.
package round

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/placement"
	"github.com/styrkedjan/styrkedjan/internal/placement/batch"
	"github.com/styrkedjan/styrkedjan/internal/placement/walknet"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Limits on what a round stores.
const (
	MaxNetworkBytes = 128 << 20 // an uploaded OSM file
	// MaxNetworkXML bounds the XML an .osm.gz network unpacks to: no more
	// than an .osm file may be, so gzip is no way around the upload limit.
	MaxNetworkXML = MaxNetworkBytes
	// MaxNetworkPBFData bounds the unpacked blocks of an .osm.pbf network:
	// blocks unpack to about 2.4 times their packed size (Monaco's extract),
	// so this leaves room for the largest upload.
	MaxNetworkPBFData = 4 * MaxNetworkBytes
	MaxCSVBytes       = 16 << 20 // schools.csv or applicants.csv
	MaxRulesBytes     = 64 << 10
	MaxNameRunes      = 200
)

// File names used in line errors, as the officer knows the inputs.
const (
	RulesFile      = "rules.toml"
	SchoolsFile    = "schools.csv"
	ApplicantsFile = "applicants.csv"
)

// Schools sources.
const (
	SourceUnits = "units" // generated from the organizer's units
	SourceFile  = "file"  // an uploaded or pasted schools.csv
)

// A Network is a stored OpenStreetMap file.
type Network struct {
	ID        int64
	Name      string
	Format    string // "pbf", "osm" or "osm.gz"
	Size      int64
	SHA256    string
	CreatedAt time.Time
}

func formatName(f walknet.Format) string {
	switch f {
	case walknet.FormatPBF:
		return "pbf"
	case walknet.FormatXMLGz:
		return "osm.gz"
	}
	return "osm"
}

func formatOf(name string) walknet.Format {
	switch name {
	case "pbf":
		return walknet.FormatPBF
	case "osm.gz":
		return walknet.FormatXMLGz
	}
	return walknet.FormatXML
}

// SaveNetwork stores an OSM file after reading it once, so that a file
// that is not a readable walking network is refused at upload. The file
// name decides the format (.osm.pbf, .pbf, .osm, .osm.gz).
func SaveNetwork(ctx context.Context, q store.Q, name string, data []byte) (int64, error) {
	return saveNetwork(ctx, q, name, data, false)
}

// SaveGeneratedNetwork stores a made-up example network (e.g. the demo's
// walknet.GenerateCity): explanations of its runs say the distances come
// from an example network, not from map data.
func SaveGeneratedNetwork(ctx context.Context, q store.Q, name string, data []byte) (int64, error) {
	return saveNetwork(ctx, q, name, data, true)
}

func saveNetwork(ctx context.Context, q store.Q, name string, data []byte, generated bool) (int64, error) {
	var v app.Validation
	name = app.CleanLine(name)
	f, ferr := walknet.FormatOf(name)
	switch {
	case name == "" || len(data) == 0:
		v.Add("network_file", "placementweb.err.network_missing")
	case ferr != nil:
		v.Add("network_file", "placementweb.err.network_format")
	case len(data) > MaxNetworkBytes:
		v.Add("network_file", "placementweb.err.too_large", map[string]any{"MB": MaxNetworkBytes >> 20})
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	g, err := walknet.ReadWith(ctx, bytes.NewReader(data), f, walknet.ReadOptions{MaxInflated: MaxNetworkXML, MaxPBFData: MaxNetworkPBFData})
	if err == nil && g.NumEdges() == 0 {
		err = errors.New("no walkable ways")
	}
	if ie, ok := errors.AsType[*walknet.InflatedError](err); ok {
		v.Add("network_file", "placementweb.err.inflated", map[string]any{"MB": ie.Max >> 20})
		return 0, v.Err()
	}
	if err != nil {
		v.Add("network_file", "placementweb.err.line", map[string]any{"Msg": name + ": " + err.Error()})
		return 0, v.Err()
	}
	sum := sha256.Sum256(data)
	var id int64
	err = store.InTx(ctx, q, func(tx *store.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO placement_networks (name, format, size, sha256, data, generated, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, name, formatName(f), len(data), hex.EncodeToString(sum[:]), data, generated, store.Now()).Scan(&id); err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Create, "placement_network", strconv.FormatInt(id, 10), name)
	})
	return id, err
}

// Networks lists the stored networks, newest first.
func Networks(ctx context.Context, q store.Q) ([]Network, error) {
	rows, err := q.Query(ctx, "SELECT id, name, format, size, sha256, created_at FROM placement_networks ORDER BY id DESC")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Network
	for rows.Next() {
		var n Network
		if err := rows.Scan(&n.ID, &n.Name, &n.Format, &n.Size, &n.SHA256, &n.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, store.Normalize(rows.Err())
}

// LoadGraph reads a stored network.
func LoadGraph(ctx context.Context, q store.Q, id int64) (*walknet.Graph, string, error) {
	g, sum, _, err := loadGraph(ctx, q, id)
	return g, sum, err
}

func loadGraph(ctx context.Context, q store.Q, id int64) (g *walknet.Graph, sum string, generated bool, err error) {
	var data []byte
	var format string
	if err := q.QueryRow(ctx, "SELECT format, sha256, data, generated FROM placement_networks WHERE id = ?", id).Scan(&format, &sum, &data, &generated); err != nil {
		return nil, "", false, store.Normalize(err)
	}
	g, err = walknet.ReadWith(ctx, bytes.NewReader(data), formatOf(format), walknet.ReadOptions{MaxInflated: MaxNetworkXML, MaxPBFData: MaxNetworkPBFData})
	return g, sum, generated, err
}

// A Round is one admission with its inputs.
type Round struct {
	ID          int64
	Name        string
	Years       []int
	RulesTOML   string
	NetworkID   int64
	NetworkName string
	// NetworkGenerated: the network is a made-up example (no map data to credit).
	NetworkGenerated bool
	SchoolsSource    string
	SchoolsCSV       string
	ApplicantsCSV    string
	ResultRunID      *int64
	PublishedAt      *time.Time
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// Published reports whether the result is frozen.
func (r *Round) Published() bool { return r.PublishedAt != nil }

// Draft is a round as typed into the form.
type Draft struct {
	Name          string
	Years         string // e.g. "0" or "0, 1, 2" (F for förskoleklass)
	RulesTOML     string
	NetworkID     string
	SchoolsSource string // SourceUnits or SourceFile
	SchoolsCSV    string
	ApplicantsCSV string
}

// DefaultRulesTOML is the rules text the form starts with.
func DefaultRulesTOML() string { return batch.RulesTOML(placement.DefaultRules()) }

// ParseYears reads a list of year groups: numbers 0–9 (or F for
// förskoleklass) separated by commas or spaces.
func ParseYears(s string) ([]int, bool) {
	var out []int
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' }) {
		if strings.EqualFold(f, "F") {
			f = "0"
		}
		y, err := strconv.Atoi(f)
		if err != nil || y < 0 || y > 9 {
			return nil, false
		}
		if !slices.Contains(out, y) {
			out = append(out, y)
		}
	}
	slices.Sort(out)
	return out, len(out) > 0
}

func formatYears(ys []int) string {
	var s []string
	for _, y := range ys {
		s = append(s, strconv.Itoa(y))
	}
	return strings.Join(s, ",")
}

// lineErrors adds batch's file:line errors to field.
func lineErrors(v *app.Validation, field string, err error) {
	var errs *batch.Errors
	var le *batch.LineError
	switch {
	case errors.As(err, &errs):
		for _, l := range errs.List {
			addLineError(v, field, l)
		}
		if errs.More > 0 {
			v.Add(field, "placementweb.err.more", map[string]any{"Count": errs.More})
		}
	case errors.As(err, &le):
		addLineError(v, field, le)
	default:
		v.Add(field, "placementweb.err.line", map[string]any{"Msg": err.Error()})
	}
}

// addLineError adds one line error as placement.input.at with its
// position. Its own message goes in the data as MsgID and MsgArgs, which
// the page translates into Msg first (see LocalizeLineErrors); Msg holds
// the English text for a message without ID.
func addLineError(v *app.Validation, field string, le *batch.LineError) {
	data := map[string]any{"File": le.File, "Line": le.Line, "Column": le.Column, "Field": le.Field, "Msg": le.Msg}
	if le.ID != "" {
		data["MsgID"], data["MsgArgs"] = le.ID, le.Args
	}
	v.Add(field, "placement.input.at", data)
}

// LocalizeLineErrors returns err with the messages of its line errors
// translated by t (a localizer's T), so that placement.input.at shows them
// in the page's language. Other errors come back as they are.
func LocalizeLineErrors(err error, t func(id string, args ...any) string) error {
	var ae *app.Error
	if !errors.As(err, &ae) {
		return err
	}
	out := *ae
	out.Fields = make([]app.FieldError, len(ae.Fields))
	for i, f := range ae.Fields {
		out.Fields[i] = f
		id, ok := f.Data["MsgID"].(string)
		if f.MsgID != "placement.input.at" || !ok {
			continue
		}
		data := make(map[string]any, len(f.Data))
		for k, v := range f.Data {
			data[k] = v
		}
		args, _ := f.Data["MsgArgs"].(map[string]any)
		data["Msg"] = t(id, args)
		out.Fields[i].Data = data
	}
	return &out
}

// validate checks a draft the way a run will read it, and returns the
// cleaned values. With SourceUnits the schools come from the organizer's
// units and d.SchoolsCSV is replaced by them.
func validate(ctx context.Context, q store.Q, d *Draft) ([]int, int64, error) {
	var v app.Validation
	d.Name = app.CleanLine(d.Name)
	switch {
	case d.Name == "":
		v.Add("name", "field.required")
	case app.TooLong(d.Name, MaxNameRunes):
		v.Add("name", "placementweb.err.name_long")
	}
	years, ok := ParseYears(d.Years)
	if !ok {
		v.Add("years", "placementweb.err.years")
	}
	if len(d.RulesTOML) > MaxRulesBytes {
		v.Add("rules", "placementweb.err.too_large", map[string]any{"MB": 1})
	} else if _, err := batch.ReadRules(strings.NewReader(d.RulesTOML), RulesFile); err != nil {
		lineErrors(&v, "rules", err)
	}
	nid, err := strconv.ParseInt(strings.TrimSpace(d.NetworkID), 10, 64)
	if err == nil {
		var n int
		if err = q.QueryRow(ctx, "SELECT COUNT(*) FROM placement_networks WHERE id = ?", nid).Scan(&n); err == nil && n == 0 {
			err = store.ErrNotFound
		}
	}
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) && !errors.Is(err, strconv.ErrSyntax) && !errors.Is(err, strconv.ErrRange) {
			return nil, 0, err
		}
		v.Add("network", "placementweb.err.network_choose")
	}
	var schools []batch.School
	switch d.SchoolsSource {
	case SourceUnits:
		if years != nil {
			csvText, n, err := UnitSchoolsCSV(ctx, q, years)
			if err != nil {
				return nil, 0, err
			}
			if n == 0 {
				v.Add("schools_source", "placementweb.err.no_unit_schools")
			} else {
				d.SchoolsCSV = csvText
			}
		}
	case SourceFile:
		if len(d.SchoolsCSV) > MaxCSVBytes {
			v.Add("schools", "placementweb.err.too_large", map[string]any{"MB": MaxCSVBytes >> 20})
		}
	default:
		v.Add("schools_source", "field.choose")
	}
	if d.SchoolsCSV != "" && !v.Has("schools") && !v.Has("schools_source") {
		schools, err = batch.ReadSchools(strings.NewReader(d.SchoolsCSV), SchoolsFile)
		if err != nil {
			lineErrors(&v, "schools", err)
		}
	} else if d.SchoolsSource == SourceFile && !v.Has("schools") {
		v.Add("schools", "field.required")
	}
	switch {
	case strings.TrimSpace(d.ApplicantsCSV) == "":
		v.Add("applicants", "field.required")
	case len(d.ApplicantsCSV) > MaxCSVBytes:
		v.Add("applicants", "placementweb.err.too_large", map[string]any{"MB": MaxCSVBytes >> 20})
	case schools != nil:
		apps, err := batch.ReadApplicants(strings.NewReader(d.ApplicantsCSV), ApplicantsFile, schools)
		if err != nil {
			lineErrors(&v, "applicants", err)
			break
		}
		if len(apps) == 0 {
			v.Add("applicants", "placementweb.err.no_applicants")
		}
		bad := 0
		for _, a := range apps {
			if years != nil && !slices.Contains(years, a.Year) {
				if bad < batch.MaxErrors {
					addLineError(&v, "applicants", &batch.LineError{File: a.File, Line: a.Line, Field: "year",
						Msg: fmt.Sprintf("%d is not a year group of this round (%s)", a.Year, formatYears(years)),
						ID:  "placement.input.year_not_in_round", Args: map[string]any{"Year": a.Year, "Years": formatYears(years)}})
				}
				bad++
			}
		}
	}
	return years, nid, v.Err()
}

// Create validates a draft and stores it as a new round.
func Create(ctx context.Context, q store.Q, d Draft) (int64, error) {
	years, nid, err := validate(ctx, q, &d)
	if err != nil {
		return 0, err
	}
	var id int64
	err = store.InTx(ctx, q, func(tx *store.Tx) error {
		now := store.Now()
		if err := tx.QueryRow(ctx, `INSERT INTO placement_rounds (name, years, rules_toml, network_id, schools_source,
			schools_csv, applicants_csv, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			d.Name, formatYears(years), d.RulesTOML, nid, d.SchoolsSource, d.SchoolsCSV, d.ApplicantsCSV, now, now).Scan(&id); err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Create, "placement_round", strconv.FormatInt(id, 10), d.Name)
	})
	return id, err
}

const roundColumns = `r.id, r.name, r.years, r.rules_toml, r.network_id, n.name, n.generated, r.schools_source, r.schools_csv,
	r.applicants_csv, r.result_run_id, r.published_at, r.created_at, r.updated_at
	FROM placement_rounds r JOIN placement_networks n ON n.id = r.network_id`

func scanRound(sc interface{ Scan(...any) error }) (*Round, error) {
	var r Round
	var years string
	if err := sc.Scan(&r.ID, &r.Name, &years, &r.RulesTOML, &r.NetworkID, &r.NetworkName, &r.NetworkGenerated, &r.SchoolsSource, &r.SchoolsCSV,
		&r.ApplicantsCSV, &r.ResultRunID, &r.PublishedAt, &r.CreatedAt, &r.UpdatedAt); err != nil {
		return nil, err
	}
	r.Years, _ = ParseYears(years)
	return &r, nil
}

// Get returns a round; unknown is app.NotFound.
func Get(ctx context.Context, q store.Q, id int64) (*Round, error) {
	r, err := scanRound(q.QueryRow(ctx, "SELECT "+roundColumns+" WHERE r.id = ?", id))
	if errors.Is(err, store.ErrNotFound) {
		return nil, app.NotFound()
	}
	return r, err
}

// List returns every round, newest first.
func List(ctx context.Context, q store.Q) ([]*Round, error) {
	rows, err := q.Query(ctx, "SELECT "+roundColumns+" ORDER BY r.id DESC")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Round
	for rows.Next() {
		r, err := scanRound(rows)
		if err != nil {
			return nil, store.Normalize(err)
		}
		out = append(out, r)
	}
	return out, store.Normalize(rows.Err())
}

// Inputs reads the round's stored inputs as a run sees them.
func (r *Round) Inputs() ([]batch.School, []batch.Applicant, placement.Rules, error) {
	rules, err := batch.ReadRules(strings.NewReader(r.RulesTOML), RulesFile)
	if err != nil {
		return nil, nil, rules, err
	}
	schools, err := batch.ReadSchools(strings.NewReader(r.SchoolsCSV), SchoolsFile)
	if err != nil {
		return nil, nil, rules, err
	}
	apps, err := batch.ReadApplicants(strings.NewReader(r.ApplicantsCSV), ApplicantsFile, schools)
	return schools, apps, rules, err
}

// Schools reads the round's schools (no personal data).
func (r *Round) Schools() ([]batch.School, error) {
	return batch.ReadSchools(strings.NewReader(r.SchoolsCSV), SchoolsFile)
}

// UnitSchoolsCSV builds schools.csv from the organizer's active units with
// coordinates and places for the year groups: förskoleklass places for
// year 0, grundskola places for years 1–9; the unit code is the school id.
// It returns the text and the number of schools.
func UnitSchoolsCSV(ctx context.Context, q store.Q, years []int) (string, int, error) {
	rows, err := q.Query(ctx, `SELECT u.unit_code, u.name, u.lat, u.lon, c.year, c.places
		FROM units u JOIN unit_capacity c ON c.unit_id = u.id
		WHERE u.active AND u.lat IS NOT NULL AND u.lon IS NOT NULL
		AND ((c.form_code = 'forskoleklass' AND c.year = 0) OR (c.form_code = 'grundskola' AND c.year BETWEEN 1 AND 9))
		ORDER BY u.unit_code, c.year`)
	if err != nil {
		return "", 0, err
	}
	defer rows.Close()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"school_id", "name", "lat", "lon", "year", "capacity"})
	seen := map[string]bool{}
	for rows.Next() {
		var code, name string
		var lat, lon float64
		var year, places int
		if err := rows.Scan(&code, &name, &lat, &lon, &year, &places); err != nil {
			return "", 0, store.Normalize(err)
		}
		if !slices.Contains(years, year) || places <= 0 {
			continue
		}
		seen[code] = true
		_ = w.Write([]string{code, name, strconv.FormatFloat(lat, 'f', -1, 64), strconv.FormatFloat(lon, 'f', -1, 64),
			strconv.Itoa(year), strconv.Itoa(places)})
	}
	if err := rows.Err(); err != nil {
		return "", 0, store.Normalize(err)
	}
	w.Flush()
	return b.String(), len(seen), w.Error()
}

// Capacities are a what-if's changed places: school ID → year → places.
type Capacities map[string]map[int]int

// Apply returns copies of schools with the changed capacities.
func (c Capacities) Apply(schools []batch.School) []batch.School {
	out := make([]batch.School, len(schools))
	for i, s := range schools {
		s.Capacity = maps(s.Capacity)
		for y, n := range c[s.ID] {
			s.Capacity[y] = n
		}
		out[i] = s
	}
	return out
}

func maps(m map[int]int) map[int]int {
	out := make(map[int]int, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Changes lists the capacities in a stable order, for display.
func (c Capacities) Changes() []CapacityChange {
	var out []CapacityChange
	for s, ys := range c {
		for y, n := range ys {
			out = append(out, CapacityChange{SchoolID: s, Year: y, Places: n})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].SchoolID != out[j].SchoolID {
			return out[i].SchoolID < out[j].SchoolID
		}
		return out[i].Year < out[j].Year
	})
	return out
}

// CapacityChange is one changed capacity.
type CapacityChange struct {
	SchoolID string
	Year     int
	Places   int
}

func (c Capacities) encode() string {
	if len(c) == 0 {
		return ""
	}
	b, _ := json.Marshal(c)
	return string(b)
}

func decodeCapacities(s string) Capacities {
	if s == "" {
		return nil
	}
	var c Capacities
	_ = json.Unmarshal([]byte(s), &c)
	return c
}
