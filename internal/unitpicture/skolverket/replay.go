package skolverket

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// AcceptV4 is the versioned media type of the planned-educations API v4.
const AcceptV4 = "application/vnd.skolverket.plannededucations.api.v4.hal+json"

// Record is one recorded API response: one JSON object per line in a
// replay file.
type Record struct {
	URL       string          `json:"url"`
	Accept    string          `json:"accept"`
	FetchedAt string          `json:"fetchedAt"`
	Response  json.RawMessage `json:"response"`
}

type envelope struct {
	Status  string          `json:"status"`
	Message string          `json:"message"`
	Body    json.RawMessage `json:"body"`
}

type apiUnit struct {
	Code                       string `json:"code"`
	Name                       string `json:"name"`
	GeographicalAreaCode       string `json:"geographicalAreaCode"`
	Lat                        string `json:"wgs84_Lat"`
	Lon                        string `json:"wgs84_Long"`
	OrganisationRegistryNumber string `json:"organisationRegistryNumber"`
	PrincipalOrganizerType     string `json:"principalOrganizerType"`
	CorporationName            string `json:"corporationName"`
}

type apiListPage struct {
	Embedded struct {
		Listed  []apiUnit `json:"listedSchoolUnits"`
		Compact []struct {
			Code string `json:"schoolUnitCode"`
			Name string `json:"schoolUnitName"`
			Lat  string `json:"wgs84Latitude"`
			Lon  string `json:"wgs84Longitude"`
		} `json:"compactSchoolUnits"`
	} `json:"_embedded"`
	Page struct {
		Size, TotalElements, TotalPages, Number int
	} `json:"page"`
}

type apiValue struct {
	Value      *string `json:"value"`
	ValueType  string  `json:"valueType"`
	TimePeriod *string `json:"timePeriod"`
}

// decoder accumulates records into Data, in record order.
type decoder struct {
	name     string
	d        *Data
	units    map[string]int // code → index in d.Units
	compact  map[string]Unit
	unknown  map[string]bool
	noPeriod int
	errs     []Problem
}

func newDecoder(name string) *decoder {
	return &decoder{name: name, d: &Data{Report: Report{Missing: map[Status]int{}}},
		units: map[string]int{}, compact: map[string]Unit{}, unknown: map[string]bool{}}
}

// unit merges u into the units seen, filling empty fields.
func (dc *decoder) unit(u Unit) {
	i, ok := dc.units[u.Code]
	if !ok {
		dc.units[u.Code] = len(dc.d.Units)
		dc.d.Units = append(dc.d.Units, u)
		return
	}
	e := &dc.d.Units[i]
	fill := func(dst *string, src string) {
		if src != "" {
			*dst = src
		}
	}
	fill(&e.Name, u.Name)
	fill(&e.MunicipalityCode, u.MunicipalityCode)
	fill(&e.Municipality, u.Municipality)
	fill(&e.OrganizerType, u.OrganizerType)
	fill(&e.Organizer, u.Organizer)
	fill(&e.OrgNumber, u.OrgNumber)
	if u.Lat != nil {
		e.Lat, e.Lon = u.Lat, u.Lon
	}
}

func coord(lat, lon string) (*float64, *float64) {
	a, err1 := strconv.ParseFloat(strings.TrimSpace(lat), 64)
	b, err2 := strconv.ParseFloat(strings.TrimSpace(lon), 64)
	if err1 != nil || err2 != nil {
		return nil, nil
	}
	return &a, &b
}

// add decodes one record (n is its 1-based record number).
func (dc *decoder) add(n int, rec Record) {
	bad := func(msg string) { dc.errs = append(dc.errs, Problem{Line: n, Msg: msg}) }
	u, err := url.Parse(rec.URL)
	if err != nil {
		bad(fmt.Sprintf("bad url %q", rec.URL))
		return
	}
	var env envelope
	if err := json.Unmarshal(rec.Response, &env); err != nil {
		bad("response is not a JSON object: " + err.Error())
		return
	}
	if env.Status != "" && env.Status != "OK" {
		dc.d.Report.Problems = append(dc.d.Report.Problems, Problem{Line: n, Field: rec.URL, Msg: "API status " + env.Status + ": " + env.Message + "; record skipped"})
		return
	}
	dc.d.Report.RowsRead++
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	i := indexOf(parts, "school-units")
	j := indexOf(parts, "compact-school-units")
	switch {
	case j >= 0 && j == len(parts)-1:
		var p apiListPage
		if err := json.Unmarshal(env.Body, &p); err != nil {
			bad("compact list page: " + err.Error())
			return
		}
		for _, c := range p.Embedded.Compact {
			lat, lon := coord(c.Lat, c.Lon)
			dc.compact[c.Code] = Unit{Code: c.Code, Name: c.Name, Lat: lat, Lon: lon}
		}
	case i >= 0 && i == len(parts)-1:
		var p apiListPage
		if err := json.Unmarshal(env.Body, &p); err != nil {
			bad("unit list page: " + err.Error())
			return
		}
		for _, a := range p.Embedded.Listed {
			if !unitCodeRe.MatchString(a.Code) {
				dc.d.Report.Problems = append(dc.d.Report.Problems, Problem{Line: n, Field: "code", Msg: fmt.Sprintf("malformed unit code %q; skipped", a.Code)})
				continue
			}
			dc.unit(Unit{Code: a.Code, Name: a.Name, MunicipalityCode: a.GeographicalAreaCode, OrganizerType: a.PrincipalOrganizerType})
		}
	case i >= 0 && i == len(parts)-2:
		var a apiUnit
		if err := json.Unmarshal(env.Body, &a); err != nil {
			bad("school unit: " + err.Error())
			return
		}
		if !unitCodeRe.MatchString(a.Code) {
			dc.d.Report.Problems = append(dc.d.Report.Problems, Problem{Line: n, Field: "code", Msg: fmt.Sprintf("malformed unit code %q; skipped", a.Code)})
			return
		}
		lat, lon := coord(a.Lat, a.Lon)
		dc.unit(Unit{Code: a.Code, Name: a.Name, MunicipalityCode: a.GeographicalAreaCode, OrganizerType: a.PrincipalOrganizerType,
			Organizer: a.CorporationName, OrgNumber: a.OrganisationRegistryNumber, Lat: lat, Lon: lon})
	case i >= 0 && i == len(parts)-4 && parts[i+2] == "statistics":
		dc.statistics(n, parts[i+1], env.Body)
	default:
		dc.d.Report.Problems = append(dc.d.Report.Problems, Problem{Line: n, Field: rec.URL, Msg: "unrecognized API path; record skipped"})
	}
}

func (dc *decoder) statistics(n int, code string, body json.RawMessage) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		dc.errs = append(dc.errs, Problem{Line: n, Msg: "statistics: " + err.Error()})
		return
	}
	if raw, ok := m["schoolUnit"]; ok {
		var c string
		if json.Unmarshal(raw, &c) == nil && c != "" {
			code = c
		}
	}
	if !unitCodeRe.MatchString(code) {
		dc.d.Report.Problems = append(dc.d.Report.Problems, Problem{Line: n, Field: "schoolUnit", Msg: fmt.Sprintf("malformed unit code %q; skipped", code)})
		return
	}
	if _, ok := dc.units[code]; !ok {
		u := Unit{Code: code}
		if c, ok := dc.compact[code]; ok {
			u = c
		}
		dc.unit(u)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch k {
		case "schoolUnit", "_links", "docLinks":
			continue
		}
		var vals []apiValue
		if err := json.Unmarshal(m[k], &vals); err != nil {
			if string(m[k]) != "null" && !dc.unknown[k] {
				dc.unknown[k] = true
			}
			continue
		}
		key, ok := apiKeys[k]
		if !ok {
			dc.unknown[k] = true
			continue
		}
		for _, v := range vals {
			if v.TimePeriod == nil || *v.TimePeriod == "" {
				dc.noPeriod++
				continue
			}
			raw := ""
			if v.Value != nil {
				raw = *v.Value
			}
			val := Value{UnitCode: code, Indicator: key, SchoolYear: *v.TimePeriod, Group: GroupAll, Raw: raw, Line: n}
			f, st, err := parseAPIValue(raw)
			switch {
			case v.ValueType == "EXISTS" || v.ValueType == "":
				if err != nil {
					dc.errs = append(dc.errs, Problem{Line: n, Field: k, Msg: err.Error()})
					continue
				}
				val.Value, val.Status = f, st
			default:
				// The API's reason is kept verbatim; a number is kept
				// when one is given (e.g. "~100" with ROUNDED_OFF_...).
				val.Status = Status(v.ValueType)
				if err == nil {
					val.Value = f
				}
			}
			if val.Value == nil {
				dc.d.Report.Missing[val.Status]++
			}
			dc.d.Values = append(dc.d.Values, val)
		}
	}
}

// parseAPIValue is ParseValue, plus "*" (teachers excluded) as missing.
func parseAPIValue(raw string) (*float64, Status, error) {
	if strings.TrimSpace(raw) == "*" {
		return nil, Status("*"), nil
	}
	return ParseValue(raw)
}

func indexOf(parts []string, s string) int {
	for i := len(parts) - 1; i >= 0; i-- {
		if parts[i] == s {
			return i
		}
	}
	return -1
}

func (dc *decoder) finish() (*Data, error) {
	if len(dc.errs) > 0 {
		errs := dc.errs
		if len(errs) > MaxErrors {
			more := len(errs) - MaxErrors
			errs = append(errs[:MaxErrors:MaxErrors], Problem{Msg: fmt.Sprintf("and %d more", more)})
		}
		return nil, &ParseError{File: dc.name, Problems: errs}
	}
	if dc.noPeriod > 0 {
		dc.d.Report.Problems = append(dc.d.Report.Problems, Problem{Msg: fmt.Sprintf("%d values without a school year (timePeriod null) skipped", dc.noPeriod)})
	}
	for k := range dc.unknown {
		dc.d.Report.UnknownColumns = append(dc.d.Report.UnknownColumns, k)
	}
	sort.Strings(dc.d.Report.UnknownColumns)
	dc.d.Report.UnitsSeen = len(dc.d.Units)
	dc.d.Report.ValuesRead = len(dc.d.Values)
	return dc.d, nil
}

// ReadReplay reads recorded API responses in the format of
// ../shared/data/skolverket/api-v4/*.jsonl: one JSON object per line with
// url, accept, fetchedAt and response ({status, message, body}). It
// understands school-unit lists (school-units?…, compact-school-units?…),
// single school units and their statistics (school-units/CODE/statistics/gr).
//
// Units come from single-unit and list records; a unit that only has
// statistics gets what a compact list says about it (name, coordinates) or
// just its code. Values keep the API's valueType as Status when it is not
// EXISTS; values without a timePeriod are skipped and counted in
// Report.Problems. Unknown statistics fields are listed in
// Report.UnknownColumns. Lines that are not valid JSON, or a value of type
// EXISTS that is not a number, give a *ParseError naming the file and the
// record numbers, and no data.
//
// The file holds whatever was recorded, which may include units of other
// municipalities; filter on Unit.MunicipalityCode if needed.
func ReadReplay(r io.Reader, name string) (*Data, error) {
	dc := newDecoder(name)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var rec Record
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			dc.errs = append(dc.errs, Problem{Line: n, Msg: "not a JSON record: " + err.Error()})
			continue
		}
		if rec.URL == "" || len(rec.Response) == 0 {
			dc.errs = append(dc.errs, Problem{Line: n, Msg: "record without url or response"})
			continue
		}
		dc.add(n, rec)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if n == 0 {
		return nil, &ParseError{File: name, Problems: []Problem{{Msg: "empty file"}}}
	}
	return dc.finish()
}

// ForMunicipality returns the units whose MunicipalityCode is code and
// their values, with the report's counts recomputed for them (problems and
// unknown columns are kept). A recording may hold units of neighbouring
// municipalities or units known only by their code; those are left out.
func (d *Data) ForMunicipality(code string) *Data {
	out := &Data{Report: Report{Missing: map[Status]int{}, RowsRead: d.Report.RowsRead,
		UnknownColumns: d.Report.UnknownColumns, Problems: d.Report.Problems}}
	keep := map[string]bool{}
	for _, u := range d.Units {
		if u.MunicipalityCode == code {
			keep[u.Code] = true
			out.Units = append(out.Units, u)
		}
	}
	for _, v := range d.Values {
		if keep[v.UnitCode] {
			out.Values = append(out.Values, v)
			if v.Value == nil {
				out.Report.Missing[v.Status]++
			}
		}
	}
	out.Report.UnitsSeen = len(out.Units)
	out.Report.ValuesRead = len(out.Values)
	return out
}
