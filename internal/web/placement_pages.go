package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/chart"
	"github.com/styrkedjan/styrkedjan/internal/export"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/placement/batch"
	"github.com/styrkedjan/styrkedjan/internal/placement/explain"
	"github.com/styrkedjan/styrkedjan/internal/placement/round"
	"github.com/styrkedjan/styrkedjan/internal/placement/walknet"
)

// School placement (issue 7): rounds with their inputs, runs in the
// background with a progress bar, results (demand against capacity, a map
// of demand, every pupil's explanation), what-ifs with changed capacities,
// publishing through private links, and the guardian's decision page.
// Only roles with auth.RunPlacement reach the staff pages.

// placementMinGroup is the smallest demand cell the map shows.
func (s *Server) placementMinGroup() int { return max(s.opts.MinGroup, 5) }

const placementCellMeters = 400

type placementHomePage struct {
	Rounds   []placementRoundRow
	Networks []round.Network
}

type placementRoundRow struct {
	*round.Round
	Status string // message ID
}

func (s *Server) placementHomeData(ctx context.Context) (placementHomePage, error) {
	var pg placementHomePage
	rs, err := round.List(ctx, s.db)
	if err != nil {
		return pg, err
	}
	for _, r := range rs {
		st := "placementweb.status.draft"
		switch {
		case r.Published():
			st = "placementweb.status.published"
		case r.ResultRunID != nil:
			st = "placementweb.status.result"
		}
		pg.Rounds = append(pg.Rounds, placementRoundRow{r, st})
	}
	pg.Networks, err = round.Networks(ctx, s.db)
	return pg, err
}

func (s *Server) placementHome(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.placementHomeData(r.Context())
	if err != nil {
		return err
	}
	return s.renderForm(w, r, "placement", formData{Values: map[string]string{}, Extra: pg}, nil)
}

func (s *Server) uploadNetwork(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := parseMultipart(w, r, round.MaxNetworkBytes); err != nil {
		return err
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	data, name, err := readUpload(r, "network_file", round.MaxNetworkBytes)
	if err == nil {
		_, err = round.SaveNetwork(ctx, s.db, name, data)
	}
	if err != nil {
		pg, perr := s.placementHomeData(ctx)
		if perr != nil {
			return perr
		}
		return s.renderForm(w, r, "placement", formData{Values: map[string]string{}, Extra: pg}, err)
	}
	s.flash(r, "placementweb.network_saved")
	http.Redirect(w, r, "/placement", http.StatusSeeOther)
	return nil
}

type placementNewPage struct {
	Networks []round.Network
	// FieldErrors lists every error per field (a CSV may have many lines wrong).
	FieldErrors map[string][]string
}

func (s *Server) placementNewForm(w http.ResponseWriter, r *http.Request) error {
	nets, err := round.Networks(r.Context(), s.db)
	if err != nil {
		return err
	}
	vals := map[string]string{"rules": round.DefaultRulesTOML(), "years": "0", "schools_source": round.SourceUnits}
	if len(nets) > 0 {
		vals["network"] = idStr(nets[0].ID)
	}
	return s.renderForm(w, r, "placement_new", formData{Values: vals, Extra: placementNewPage{Networks: nets}}, nil)
}

func (s *Server) createPlacementRound(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := parseMultipart(w, r, 2*round.MaxCSVBytes+round.MaxRulesBytes); err != nil {
		return err
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	vals := map[string]string{}
	for _, k := range []string{"name", "years", "rules", "network", "schools_source", "schools", "applicants"} {
		vals[k] = r.PostFormValue(k)
	}
	var uploadErr error
	for _, k := range []string{"schools", "applicants"} {
		b, _, err := readUpload(r, k+"_file", round.MaxCSVBytes)
		if err != nil {
			uploadErr = err
			continue
		}
		if b != nil {
			vals[k] = string(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))
		}
	}
	if vals["schools_source"] == round.SourceUnits {
		vals["schools"] = ""
	}
	err := uploadErr
	var id int64
	if err == nil {
		id, err = round.Create(ctx, s.db, round.Draft{Name: vals["name"], Years: vals["years"], RulesTOML: vals["rules"],
			NetworkID: vals["network"], SchoolsSource: vals["schools_source"], SchoolsCSV: vals["schools"], ApplicantsCSV: vals["applicants"]})
	}
	if err != nil {
		nets, nerr := round.Networks(ctx, s.db)
		if nerr != nil {
			return nerr
		}
		pg := placementNewPage{Networks: nets, FieldErrors: map[string][]string{}}
		l := s.pageLocalizer(r, "placement_new")
		err = round.LocalizeLineErrors(err, l.T) // file problems in the page's language
		if ae := (*app.Error)(nil); errors.As(err, &ae) {
			for _, f := range ae.Fields {
				pg.FieldErrors[f.Field] = append(pg.FieldErrors[f.Field], l.T(f.MsgID, f.Data))
			}
		}
		return s.renderForm(w, r, "placement_new", formData{Values: vals, Extra: pg}, err)
	}
	s.flash(r, "placementweb.round_created")
	http.Redirect(w, r, fmt.Sprintf("/placement/rounds/%d", id), http.StatusSeeOther)
	return nil
}

// placementRoundPage is the round page: inputs, runs, and the result.
type placementRoundPage struct {
	Round       *round.Round
	Runs        []*round.Run
	Result      *round.Run // the standing result
	Running     *round.Run
	Schools     []batch.School
	Demand      []demandRow
	DemandChart template.HTML
	Map         template.HTML
	MapData     round.DemandMap
	MapCells    []mapCellRow
	Links       int
	Years       string
	SchoolNames map[string]string
	Attribution string
	Facts       []fact // the result's summary
	YearRows    []yearRow
	// Recheck is the latest recheck of the standing result (issue 20);
	// Outdated: an earlier engine made the standing result.
	Recheck  *round.Recheck
	Outdated bool
	// Decide: the decisions sent to guardians (a published round with a
	// register, issue 15).
	Decide *decideRound
}

// fact is one labelled figure of a summary.
type fact struct{ Label, Value string }

// pctStr formats a share (0–1) as a percentage in lang ("85,0 %").
func pctStr(x float64, lang string) string { return i18n.Percent(lang, x*100, 1) }

// metersStr formats a distance in lang ("1,25 km", "850 m").
func metersStr(m float64, lang string) string { return i18n.Distance(lang, m) }

// summaryFacts lays out a run's summary for a definition list.
func summaryFacts(l *i18n.Localizer, s *batch.Summary) []fact {
	if s == nil {
		return nil
	}
	t := s.Total
	return []fact{
		{l.T("placementweb.sum.applicants"), strconv.Itoa(t.Applicants)},
		{l.T("placementweb.sum.first"), fmt.Sprintf("%d (%s)", t.FirstChoice, pctStr(t.FirstChoiceShare, l.Lang))},
		{l.T("placementweb.sum.any"), fmt.Sprintf("%d (%s)", t.AnyChoice, pctStr(t.AnyChoiceShare, l.Lang))},
		{l.T("placementweb.sum.fallbacks"), strconv.Itoa(t.Fallbacks)},
		{l.T("placementweb.sum.unplaced"), strconv.Itoa(t.Unplaced)},
		{l.T("placementweb.sum.beyond"), strconv.Itoa(t.BeyondNearHome)},
		{l.T("placementweb.sum.distance"), l.T("placementweb.sum.distance_value", "Median", metersStr(t.Distance.Median, l.Lang),
			"P90", metersStr(t.Distance.P90, l.Lang), "Max", metersStr(t.Distance.Max, l.Lang))},
		{l.T("placementweb.sum.seed"), strconv.FormatInt(s.Rules.Seed, 10)},
	}
}

type demandRow struct {
	batch.Cutoff
	Over bool // more first choices than places
}

type mapCellRow struct {
	N     int
	Near  string  // the school nearest the cell's centre, by name
	Dist  float64 // from the centre to it, in a straight line (metres)
	Count int
}

// nearestSchool names the school nearest a point in a straight line, so the
// map's table names each cell by a place people know, not by coordinates.
func nearestSchool(p walknet.Point, schools []batch.School) (string, float64) {
	name, best := "", math.Inf(1)
	for _, sc := range schools {
		if d := walknet.StraightLine(p, walknet.Point{Lat: sc.Lat, Lon: sc.Lon}); d < best {
			name, best = sc.Name, d
		}
	}
	return name, best
}

// yearRow is one year group's line of the summary.
type yearRow struct {
	Label                                   string
	Applicants, Fallbacks, Unplaced, Beyond int
	First, Any, Median                      string
}

func (s *Server) loadRound(r *http.Request) (*round.Round, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return round.Get(r.Context(), s.db, id)
}

func (s *Server) placementRound(w http.ResponseWriter, r *http.Request) error {
	return s.placementRoundWith(w, r, map[string]string{}, nil)
}

func (s *Server) placementRoundWith(w http.ResponseWriter, r *http.Request, vals map[string]string, formErr error) error {
	ctx := r.Context()
	rd, err := s.loadRound(r)
	if err != nil {
		return err
	}
	l := s.pageLocalizer(r, "placement_round")
	pg := placementRoundPage{Round: rd, Attribution: batch.Attribution, SchoolNames: map[string]string{}}
	var ys []string
	for _, y := range rd.Years {
		ys = append(ys, yearLabel(l, y))
	}
	pg.Years = strings.Join(ys, ", ")
	if pg.Runs, err = round.Runs(ctx, s.db, rd.ID); err != nil {
		return err
	}
	for _, run := range pg.Runs {
		if run.Running() {
			pg.Running = run
		}
		if rd.ResultRunID != nil && run.ID == *rd.ResultRunID {
			pg.Result = run
		}
	}
	if pg.Schools, err = rd.Schools(); err != nil {
		return err
	}
	for _, sc := range pg.Schools {
		pg.SchoolNames[sc.ID] = sc.Name
	}
	if pg.Result != nil {
		pg.Facts = summaryFacts(l, pg.Result.Summary)
		if sm := pg.Result.Summary; sm != nil {
			for _, y := range sm.Years {
				pg.YearRows = append(pg.YearRows, yearRow{Label: yearLabel(l, y.Year), Applicants: y.Applicants,
					Fallbacks: y.Fallbacks, Unplaced: y.Unplaced, Beyond: y.BeyondNearHome,
					First: pctStr(y.FirstChoiceShare, l.Lang), Any: pctStr(y.AnyChoiceShare, l.Lang), Median: metersStr(y.Distance.Median, l.Lang)})
			}
		}
		for _, c := range pg.Result.Cutoffs {
			pg.Demand = append(pg.Demand, demandRow{c, c.FirstChoice > c.Capacity})
		}
		pg.DemandChart = demandChart(pg.Demand, l)
		_, apps, _, err := rd.Inputs()
		if err != nil {
			return err
		}
		pg.MapData = round.Demand(apps, pg.Schools, placementCellMeters, s.placementMinGroup())
		g, _, err := s.placementService().Graph(ctx, s.db, rd.NetworkID)
		if err != nil {
			s.log.Warn("placement map: the network's ways are not drawn", "err", err)
		}
		pg.Map = demandMap(pg.MapData, pg.Schools, g, l)
		for i, c := range pg.MapData.Cells {
			near, d := nearestSchool(walknet.Point{Lat: (c.MinLat + c.MaxLat) / 2, Lon: (c.MinLon + c.MaxLon) / 2}, pg.Schools)
			pg.MapCells = append(pg.MapCells, mapCellRow{N: i + 1, Near: near, Dist: d, Count: c.Count})
		}
	}
	if pg.Links, err = round.ActiveLinks(ctx, s.db, rd.ID); err != nil {
		return err
	}
	if pg.Decide, err = s.decideRoundData(r, rd); err != nil {
		return err
	}
	if pg.Result != nil {
		pg.Outdated = pg.Result.Outdated()
		if pg.Recheck, err = round.LatestRecheck(ctx, s.db, rd.ID); err != nil {
			return err
		}
	}
	return s.renderForm(w, r, "placement_round", formData{Values: vals, Extra: pg}, formErr)
}

func yearLabel(l *i18n.Localizer, y int) string {
	if y == 0 {
		return l.T("placementweb.year_f")
	}
	return l.T("placementweb.year_n", "Year", y)
}

func (s *Server) startPlacementRun(w http.ResponseWriter, r *http.Request) error {
	rd, err := s.loadRound(r)
	if err != nil {
		return err
	}
	id, err := s.placement.Start(r.Context(), rd.ID, round.KindMain, nil)
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/placement/rounds/%d/runs/%d", rd.ID, id), http.StatusSeeOther)
	return nil
}

// startPlacementRecheck reruns the standing (usually published) result's
// inputs with the current engine, for the officer to review the pupils
// whose placement would change; nothing published changes (issue 20).
func (s *Server) startPlacementRecheck(w http.ResponseWriter, r *http.Request) error {
	rd, err := s.loadRound(r)
	if err != nil {
		return err
	}
	id, err := s.placement.Start(r.Context(), rd.ID, round.KindRecheck, nil)
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/placement/rounds/%d/runs/%d", rd.ID, id), http.StatusSeeOther)
	return nil
}

func (s *Server) startPlacementWhatIf(w http.ResponseWriter, r *http.Request) error {
	rd, err := s.loadRound(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	vals := map[string]string{"school": r.PostFormValue("school"), "year": r.PostFormValue("year"), "capacity": r.PostFormValue("capacity")}
	schools, err := rd.Schools()
	if err != nil {
		return err
	}
	var v app.Validation
	i := slices.IndexFunc(schools, func(sc batch.School) bool { return sc.ID == vals["school"] })
	if i < 0 {
		v.Add("school", "field.choose")
	}
	year, yok := round.ParseYears(vals["year"])
	if !yok || len(year) != 1 || !slices.Contains(rd.Years, year[0]) {
		v.Add("year", "placementweb.err.whatif_year")
	}
	places, perr := strconv.Atoi(strings.TrimSpace(vals["capacity"]))
	if perr != nil || places < 0 || places > 10000 {
		v.Add("capacity", "placementweb.err.capacity")
	}
	if err := v.Err(); err != nil {
		return s.placementRoundWith(w, r, vals, err)
	}
	svc := s.placement
	caps := round.Capacities{schools[i].ID: {year[0]: places}}
	id, err := svc.Start(r.Context(), rd.ID, round.KindWhatIf, caps)
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/placement/rounds/%d/runs/%d", rd.ID, id), http.StatusSeeOther)
	return nil
}

type placementRunPage struct {
	Round       *round.Round
	Run         *round.Run
	Base        *round.Run // the result a what-if is compared with
	Changes     []batch.Change
	SchoolNames map[string]string
	IsResult    bool
	Percent     int
	Facts       []fact
	BaseFacts   []fact
	Auto        bool // refresh the page while the run goes on
	// Pending: a finished main rerun that has not replaced the standing
	// result; the page shows who would change school and asks to confirm.
	Pending bool
}

func (s *Server) placementRun(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	rd, err := s.loadRound(r)
	if err != nil {
		return err
	}
	runID, err := pathID(r, "run")
	if err != nil {
		return err
	}
	run, err := round.GetRun(ctx, s.db, rd.ID, runID)
	if err != nil {
		return err
	}
	pg := placementRunPage{Round: rd, Run: run, SchoolNames: map[string]string{}, Auto: r.URL.Query().Get("auto") != "0"}
	pg.IsResult = rd.ResultRunID != nil && *rd.ResultRunID == run.ID
	if run.Total > 0 {
		pg.Percent = min(100, run.Done*100/run.Total)
	}
	schools, err := rd.Schools()
	if err != nil {
		return err
	}
	for _, sc := range schools {
		pg.SchoolNames[sc.ID] = sc.Name
	}
	pg.Pending = run.Kind == round.KindMain && run.Status == round.StatusDone && !pg.IsResult && run.BaseRunID != nil && !rd.Published()
	if (run.Kind == round.KindWhatIf || run.Kind == round.KindRecheck || pg.Pending) && run.Status == round.StatusDone {
		// Compare with the result the what-if started from.
		if run.BaseRunID != nil {
			if pg.Base, err = round.GetRun(ctx, s.db, rd.ID, *run.BaseRunID); err != nil {
				return err
			}
		}
		l := s.pageLocalizer(r, "placement_run")
		pg.Facts = summaryFacts(l, run.Summary)
		if pg.Base != nil {
			pg.BaseFacts = summaryFacts(l, pg.Base.Summary)
			if pg.Changes, err = round.Diff(ctx, s.db, rd.ID, pg.Base.ID, run.ID); err != nil {
				return err
			}
		}
	}
	s.render(w, r, http.StatusOK, "placement_run", pg)
	return nil
}

func (s *Server) placementRunAction(accept bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		rd, err := s.loadRound(r)
		if err != nil {
			return err
		}
		runID, err := pathID(r, "run")
		if err != nil {
			return err
		}
		if accept {
			err = round.Accept(r.Context(), s.db, rd.ID, runID)
			s.flash(r, "placementweb.whatif_accepted")
		} else {
			err = round.Discard(r.Context(), s.db, rd.ID, runID)
			s.flash(r, "placementweb.whatif_discarded")
		}
		if err != nil {
			s.sessions.Remove(r.Context(), flashKey)
			return err
		}
		http.Redirect(w, r, fmt.Sprintf("/placement/rounds/%d", rd.ID), http.StatusSeeOther)
		return nil
	}
}

type placementDecisionsPage struct {
	Round       *round.Round
	Decisions   []round.Decision
	SchoolNames map[string]string
	// The filters (issue 15) and what they choose from.
	Filter   round.DecisionFilter
	Filtered bool
	Total    int
	Schools  []schoolOption
	Ranks    []int
	Flags    map[string]string
	Query    string // the filter as a query string, for the export links
}

func (s *Server) placementDecisions(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	rd, err := s.loadRound(r)
	if err != nil {
		return err
	}
	if rd.ResultRunID == nil {
		return app.NotFound()
	}
	ds, err := round.Decisions(ctx, s.db, rd.ID, *rd.ResultRunID)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := round.DecisionFilter{School: q.Get("school"), Fallback: q.Get("fallback") == "1", Flagged: q.Get("flagged") == "1"}
	if n, err := strconv.Atoi(q.Get("rank")); err == nil && n > 0 {
		f.Rank = n
	}
	pg := placementDecisionsPage{Round: rd, SchoolNames: map[string]string{}, Filter: f, Filtered: f != round.DecisionFilter{}, Total: len(ds)}
	if pg.Flags, err = round.Flags(ctx, s.db, rd.ID); err != nil {
		return err
	}
	maxRank := 0
	for _, d := range ds {
		maxRank = max(maxRank, d.ChoiceRank)
		if f.Match(d, pg.Flags) {
			pg.Decisions = append(pg.Decisions, d)
		}
	}
	for i := 1; i <= maxRank; i++ {
		pg.Ranks = append(pg.Ranks, i)
	}
	schools, err := rd.Schools()
	if err != nil {
		return err
	}
	for _, sc := range schools {
		pg.SchoolNames[sc.ID] = sc.Name
		pg.Schools = append(pg.Schools, schoolOption{sc.ID, sc.Name})
	}
	q.Del("format")
	pg.Query = q.Encode()
	if format := r.URL.Query().Get("format"); format == "csv" || format == "xlsx" {
		return s.exportDecisions(w, r, pg, format)
	}
	s.render(w, r, http.StatusOK, "placement_decisions", pg)
	return nil
}

// exportDecisions sends the filtered decisions as CSV or XLSX (audited).
func (s *Server) exportDecisions(w http.ResponseWriter, r *http.Request, pg placementDecisionsPage, format string) error {
	l := s.pageLocalizer(r, "placement_decisions")
	t := export.Table{ID: "decisions", Title: l.T("placementweb.decisions"),
		Columns: []string{l.T("placementweb.col.applicant"), l.T("placementweb.col.year"), l.T("placementweb.col.school"),
			l.T("placementweb.col.rank"), l.T("placementweb.fallback"), l.T("decisions.col.distance_m"), l.T("decisions.col.flags")},
		Numeric: []bool{false, true, false, true, false, true, false}}
	for _, d := range pg.Decisions {
		rank := export.Text("")
		if !d.Fallback && d.ChoiceRank > 0 {
			rank = export.Number(float64(d.ChoiceRank), 0, l.Lang)
		}
		fb := d.Fallback
		school := pg.SchoolNames[d.SchoolID]
		if d.SchoolID == "" {
			school = l.T("placementweb.unplaced")
		}
		t.Rows = append(t.Rows, []export.Cell{export.Text(d.ApplicantID), export.Number(float64(d.Year), 0, l.Lang), export.Text(school),
			rank, {Bool: &fb, Text: map[bool]string{true: l.T("placementweb.yes"), false: l.T("placementweb.no")}[fb]},
			export.Number(math.Round(d.Meters), 0, l.Lang), export.Text(pg.Flags[d.ApplicantID])})
	}
	if err := round.LogDecisionsExport(r.Context(), s.db, pg.Round.ID, format, len(pg.Decisions)); err != nil {
		return err
	}
	var buf bytes.Buffer
	name := fmt.Sprintf("placering-%d-beslut", pg.Round.ID)
	if format == "csv" {
		if err := export.WriteCSV(&buf, t, l.Lang); err != nil {
			return err
		}
		return download(w, name+".csv", "text/csv; charset=utf-8", buf.Bytes())
	}
	if err := export.WriteXLSX(&buf, []export.Table{t}, pg.Round.Name); err != nil {
		return err
	}
	return download(w, name+".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
}

// decisionText is one explanation as paragraphs, in one variant.
type decisionText struct {
	Lang, Label string
	Paragraphs  []string
}

func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

type placementDecisionPage struct {
	Round    *round.Round
	Decision *round.Decision
	Texts    []decisionText
	Values   *priorityValues
}

func (s *Server) placementDecision(w http.ResponseWriter, r *http.Request) error {
	rd, err := s.loadRound(r)
	if err != nil {
		return err
	}
	if rd.ResultRunID == nil {
		return app.NotFound()
	}
	d, err := round.DecisionOf(r.Context(), s.db, rd.ID, *rd.ResultRunID, r.PathValue("applicant"))
	if err != nil {
		return err
	}
	l := s.pageLocalizer(r, "placement_decision")
	t := d.Explanation.Text
	pg := placementDecisionPage{Round: rd, Decision: d, Texts: []decisionText{
		{"sv", l.T("placementweb.text_sv"), paragraphs(t.SV)},
		{"en", l.T("placementweb.text_en"), paragraphs(t.EN)},
		{"sv", l.T("placementweb.text_easy"), paragraphs(t.SVEasy)},
	}, Values: newPriorityValues(l, d.Explanation)}
	s.render(w, r, http.StatusOK, "placement_decision", pg)
	return nil
}

func (s *Server) revokePlacementLink(w http.ResponseWriter, r *http.Request) error {
	rd, err := s.loadRound(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	id := r.PostFormValue("applicant_id")
	if _, err := round.Revoke(r.Context(), s.db, rd.ID, id); err != nil {
		return s.placementRoundWith(w, r, map[string]string{"applicant_id": id}, err)
	}
	s.flash(r, "placementweb.link_revoked")
	http.Redirect(w, r, fmt.Sprintf("/placement/rounds/%d", rd.ID), http.StatusSeeOther)
	return nil
}

// priorityValues are a pupil's own lottery number and priority values at
// every choice, written at the resolution the distances were compared at
// (issue 20), so a guardian can check them; nil for explanations from
// before they were recorded.
type priorityValues struct {
	Lottery    string
	Resolution string // "" for whole metres, else the step ("10 m")
	Sibling    bool   // the rules use sibling priority
	Rows       []priorityRow
}

type priorityRow struct {
	Rank                                     int
	School                                   string
	NotOffered                               bool
	Sibling, Relative, Alternative, Distance string
}

func newPriorityValues(l *i18n.Localizer, e explain.Explanation) *priorityValues {
	if len(e.Choices) == 0 || e.ResolutionMeters <= 0 {
		return nil
	}
	dec := explain.StepDecimals(e.ResolutionMeters)
	m := func(x float64) string { return l.Number(x, dec) + " m" }
	// The lottery number with every digit it has (the shortest text that
	// reads back to it), so anyone can check it against the seed.
	digits := len(strconv.FormatFloat(e.Lottery, 'f', -1, 64)) - 2
	v := &priorityValues{Lottery: l.Number(e.Lottery, max(6, digits)), Sibling: slices.Contains(e.Criteria, "sibling")}
	if e.ResolutionMeters != 1 {
		v.Resolution = m(e.ResolutionMeters)
	}
	for _, c := range e.Choices {
		row := priorityRow{Rank: c.Rank, School: c.SchoolName, NotOffered: !c.Offered, Distance: m(c.Priority.Meters)}
		if row.School == "" {
			row.School = c.SchoolID
		}
		row.Sibling = l.T("placementweb.no")
		if c.Priority.Sibling {
			row.Sibling = l.T("placementweb.yes")
		}
		if c.Priority.NoAlternative {
			row.Relative, row.Alternative = l.T("placementweb.values.no_alternative"), "–"
		} else {
			name := c.Priority.AlternativeName
			if name == "" {
				name = c.Priority.AlternativeID
			}
			row.Relative = m(c.Priority.RelativeMeters)
			row.Alternative = l.T("placementweb.values.alternative", "School", name, "Dist", m(c.Priority.AlternativeMeters))
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}

// Drawing (internal/chart): inline SVG with presentation attributes only.

// demandChart draws first choices and places per school and year as bars;
// the table beside it carries the same figures for screen readers.
func demandChart(rows []demandRow, l *i18n.Localizer) template.HTML {
	b := chart.Bars{FirstLabel: l.T("placementweb.chart.first"), CapacityLabel: l.T("placementweb.chart.capacity")}
	for _, d := range rows {
		b.Rows = append(b.Rows, chart.BarRow{Label: d.SchoolName, FirstChoice: d.FirstChoice, Capacity: d.Capacity, Applicants: d.Applicants, Over: d.Over})
	}
	return template.HTML(chart.BarsSVG(b)) // escaped by chart
}

// demandMap draws the demand cells (shade by count, number inside) and the
// schools as points. No cell under the minimum group exists in m.
func demandMap(m round.DemandMap, schools []batch.School, g *walknet.Graph, l *i18n.Localizer) template.HTML {
	c := chart.Map{MinLat: m.MinLat, MinLon: m.MinLon, MaxLat: m.MaxLat, MaxLon: m.MaxLon,
		Lang: l.Lang, LegendCells: l.T("mapnames.legend_cells"), LegendSchools: l.T("mapnames.legend_schools"), LegendWays: l.T("mapnames.legend_ways")}
	if g != nil { // the walking network the distances run on
		for e := 0; e < g.NumEdges(); e++ {
			u, v, _ := g.Edge(e)
			a, b := g.NodePoint(u), g.NodePoint(v)
			c.Ways = append(c.Ways, chart.Segment{ALat: a.Lat, ALon: a.Lon, BLat: b.Lat, BLon: b.Lon})
		}
	}
	for _, cell := range m.Cells {
		c.Cells = append(c.Cells, chart.Cell{MinLat: cell.MinLat, MinLon: cell.MinLon, MaxLat: cell.MaxLat, MaxLon: cell.MaxLon, Count: cell.Count})
	}
	for _, sc := range schools {
		c.Points = append(c.Points, chart.Point{Name: sc.Name, Lat: sc.Lat, Lon: sc.Lon})
	}
	return template.HTML(chart.MapSVG(c)) // escaped by chart
}
