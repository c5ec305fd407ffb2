package web

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/export"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture"
)

// The tables of the unit-picture views, built once from the view models
// and shown on the page and in the CSV and XLSX exports alike.

func unitLink(id int64) string {
	if id == 0 {
		return ""
	}
	return fmt.Sprintf("/unitpicture/units/%d", id)
}

// sortedUnits returns the units with a value first, best first by the
// indicator's direction (largest first for neutral ones), then the rest by name.
func sortedUnits(m *unitpicture.IndicatorViewModel) []unitpicture.UnitSeries {
	us := slices.Clone(m.Units)
	slices.SortStableFunc(us, func(a, b unitpicture.UnitSeries) int {
		ha, hb := a.Current.Has(), b.Current.Has()
		switch {
		case ha && !hb:
			return -1
		case !ha && hb:
			return 1
		case !ha:
			return strings.Compare(a.Name, b.Name)
		}
		d := *b.Current.Value - *a.Current.Value
		if m.Indicator.Direction < 0 {
			d = -d
		}
		switch {
		case d > 0:
			return 1
		case d < 0:
			return -1
		}
		return strings.Compare(a.Name, b.Name)
	})
	return us
}

func indicatorTables(m *unitpicture.IndicatorViewModel, l *i18n.Localizer) []export.Table {
	ind := m.Indicator
	dec := upDecimals(ind)
	name := ind.Name(l.Lang)
	note := sourceNote(m.Sources, m.ImportedAt, l)
	values := export.Table{ID: "values", Title: l.T("upw.ind.t_values", "Name", name, "Year", m.Year),
		Columns: []string{l.T("upw.col.unit"), l.T("upw.col.code"), l.T("upw.col.value_unit", "Unit", upUnitLabel(ind, l)), l.T("upw.col.pupils"), l.T("upw.col.against_median")},
		Numeric: []bool{false, false, true, true, false}, Note: note}
	for _, u := range sortedUnits(m) {
		pos := export.Text("")
		if u.Current.Has() && m.Organizer.N > 0 {
			switch b := ind.Better(*u.Current.Value - m.Organizer.Median); {
			case ind.Direction == 0:
			case b > 0:
				pos = export.Cell{Text: l.T("upw.pos.better"), Mark: "up"}
			case b < 0:
				pos = export.Cell{Text: l.T("upw.pos.worse"), Mark: "down"}
			default:
				pos = export.Text(l.T("upw.pos.same"))
			}
		}
		values.Rows = append(values.Rows, []export.Cell{{Text: u.Name, Href: unitLink(u.UnitID)}, export.Text(u.Code),
			pointCell(u.Current, dec, l), pupilsCell(u.Current.Pupils, l), pos})
	}
	sum := export.Table{ID: "summary", Title: l.T("upw.ind.t_summary", "Name", name, "Year", m.Year),
		Columns: []string{l.T("upw.col.measure"), l.T("upw.col.value_unit", "Unit", upUnitLabel(ind, l))}, Numeric: []bool{false, true}}
	if o := m.Organizer; o.N > 0 {
		for _, r := range []struct {
			id string
			x  float64
		}{{"upw.sum.median", o.Median}, {"upw.sum.q1", o.Q1}, {"upw.sum.q3", o.Q3}, {"upw.sum.min", o.Min}, {"upw.sum.max", o.Max}} {
			sum.Rows = append(sum.Rows, []export.Cell{export.Text(l.T(r.id)), numCell(r.x, dec, l)})
		}
		sum.Rows = append(sum.Rows, []export.Cell{export.Text(l.T("upw.sum.n")), export.Number(float64(o.N), 0, l.Lang)})
	}
	if m.National != nil {
		label := l.T("upw.sum.national_riket")
		if m.National.Basis == "median" {
			label = l.T("upw.sum.national_median", "N", m.National.N)
		}
		sum.Rows = append(sum.Rows, []export.Cell{export.Text(label), numCell(m.National.Value, dec, l)})
	} else {
		sum.Rows = append(sum.Rows, []export.Cell{export.Text(l.T("upw.sum.national")), {Text: l.T("upw.sum.national_unknown"), Mark: "muted"}})
	}
	sum.Rows = append(sum.Rows, []export.Cell{export.Text(l.T("upw.sum.suppressed")), export.Number(float64(m.Suppressed), 0, l.Lang)})
	sum.Note = l.T("upw.sum.note")

	series := export.Table{ID: "series", Title: l.T("upw.ind.t_series", "Name", name), Columns: []string{l.T("upw.col.unit")}, Numeric: []bool{false}, Note: note}
	for _, y := range m.Years {
		series.Columns = append(series.Columns, y)
		series.Numeric = append(series.Numeric, true)
	}
	for _, u := range m.Units {
		row := []export.Cell{{Text: u.Name, Href: unitLink(u.UnitID)}}
		for _, y := range m.Years {
			row = append(row, seriesCell(u.Series, y, dec, l))
		}
		series.Rows = append(series.Rows, row)
	}
	med := []export.Cell{export.Text(l.T("upw.sum.median_row"))}
	for _, y := range m.Years {
		c := export.Cell{Text: "–", Mark: "muted"}
		for _, ym := range m.OrganizerSeries {
			if ym.Year == y {
				c = numCell(ym.Median, dec, l)
			}
		}
		med = append(med, c)
	}
	series.Rows = append(series.Rows, med)
	return []export.Table{values, sum, series}
}

func seriesCell(pts []unitpicture.Point, year string, dec int, l *i18n.Localizer) export.Cell {
	for _, pt := range pts {
		if pt.Year == year {
			return pointCell(pt, dec, l)
		}
	}
	return export.Cell{Text: "–", Mark: "muted"}
}

// moveText says a change in words.
func moveText(m unitpicture.Move, l *i18n.Localizer) export.Cell {
	switch m {
	case unitpicture.Better:
		return export.Cell{Text: l.T("upw.move.better"), Mark: "up"}
	case unitpicture.Worse:
		return export.Cell{Text: l.T("upw.move.worse"), Mark: "down"}
	case unitpicture.NoChange:
		return export.Text(l.T("upw.move.no_change"))
	case unitpicture.TooLittleData:
		return export.Cell{Text: l.T("upw.move.too_little_data"), Mark: "muted"}
	}
	return export.Cell{Text: l.T("upw.move.not_tested"), Mark: "muted"}
}

func reasonsText(reasons []string, l *i18n.Localizer) string {
	var out []string
	for _, r := range reasons {
		switch r {
		case unitpicture.ReasonAboveMedian, unitpicture.ReasonBelowMedian, unitpicture.ReasonImproved,
			unitpicture.ReasonWorsened, unitpicture.ReasonAboveExpectation, unitpicture.ReasonBelowExpectation:
			out = append(out, l.T("upw.reason."+r))
		default:
			out = append(out, r)
		}
	}
	return strings.Join(out, "; ")
}

func profileTables(prof *unitpicture.Profile, l *i18n.Localizer) []export.Table {
	years := profileYears(prof)
	main := export.Table{ID: "profile", Title: l.T("upw.unit.t_profile", "Name", prof.Name),
		Columns: []string{l.T("upw.col.indicator"), l.T("upw.col.kind"), l.T("upw.col.year"), l.T("upw.col.value"), l.T("upw.col.pupils"),
			l.T("upw.col.median"), l.T("upw.col.national"), l.T("upw.col.baseline"), l.T("upw.col.change"), l.T("upw.col.verdict"), l.T("upw.col.why")},
		Numeric: []bool{false, false, false, true, true, true, true, true, true, false, false}}
	var sources []string
	for _, row := range prof.Rows {
		ind := row.Indicator
		dec := upDecimals(ind)
		kind := export.Text("")
		switch {
		case ind.Background:
			kind = export.Cell{Text: l.T("upw.unit.background"), Mark: "muted"}
		case row.Score > 0:
			kind = export.Cell{Text: l.T("upw.unit.strength"), Mark: "up"}
		case row.Score < 0:
			kind = export.Cell{Text: l.T("upw.unit.challenge"), Mark: "down"}
		}
		med := export.Cell{Text: "–", Mark: "muted"}
		if row.OrganizerMedian != nil {
			med = numCell(*row.OrganizerMedian, dec, l)
		}
		nat := export.Cell{Text: "–", Mark: "muted"}
		if row.National != nil {
			nat = numCell(row.National.Value, dec, l)
		}
		base := export.Cell{Text: "–", Mark: "muted"}
		if row.Change.From.Year != "" {
			base = pointCell(row.Change.From, dec, l)
			base.Text = row.Change.From.Year + ": " + base.Text
			base.Num = nil // a label with its year, not a bare number
		}
		chg := export.Cell{Text: "–", Mark: "muted"}
		if row.Change.From.Has() && row.Change.To.Has() {
			chg = signedCell(*row.Change.To.Value-*row.Change.From.Value, dec, l)
		}
		main.Rows = append(main.Rows, []export.Cell{export.Text(ind.Name(l.Lang)), kind, export.Text(row.Latest.Year),
			pointCell(row.Latest, dec, l), pupilsCell(row.Latest.Pupils, l), med, nat, base, chg, moveText(row.Change.Move, l),
			export.Text(reasonsText(row.Reasons, l))})
		for _, pt := range row.Series {
			if pt.Source != "" && !slices.Contains(sources, pt.Source) {
				sources = append(sources, pt.Source)
			}
		}
	}
	slices.Sort(sources)
	main.Note = l.T("upw.unit.note") + " " + sourceNote(sources, latestImport(prof), l)
	series := export.Table{ID: "series", Title: l.T("upw.unit.t_series", "Name", prof.Name), Columns: []string{l.T("upw.col.indicator")}, Numeric: []bool{false}}
	for _, y := range years {
		series.Columns = append(series.Columns, y)
		series.Numeric = append(series.Numeric, true)
	}
	for _, row := range prof.Rows {
		r := []export.Cell{export.Text(row.Indicator.Name(l.Lang))}
		for _, y := range years {
			r = append(r, seriesCell(row.Series, y, upDecimals(row.Indicator), l))
		}
		series.Rows = append(series.Rows, r)
	}
	return []export.Table{main, series}
}

func latestImport(prof *unitpicture.Profile) (t time.Time) {
	for _, row := range prof.Rows {
		for _, pt := range row.Series {
			if pt.ImportedAt.After(t) {
				t = pt.ImportedAt
			}
		}
	}
	return t
}

func verdictCell(v string, l *i18n.Localizer) export.Cell {
	switch v {
	case "above":
		return export.Cell{Text: l.T("upw.adj.above"), Mark: "up"}
	case "below":
		return export.Cell{Text: l.T("upw.adj.below"), Mark: "down"}
	}
	return export.Text(l.T("upw.adj.within"))
}

func adjustedTables(res *unitpicture.AdjustedResult, l *i18n.Localizer) []export.Table {
	dec := upDecimals(res.Outcome)
	units := export.Table{ID: "units", Title: l.T("upw.adj.t_units", "Name", res.Outcome.Name(l.Lang), "Year", res.Year),
		Columns: []string{l.T("upw.col.unit"), l.T("upw.col.pupils"), l.T("upw.adj.col.actual"), l.T("upw.adj.col.expected"), l.T("upw.adj.col.residual"),
			l.T("upw.adj.col.lower"), l.T("upw.adj.col.upper"), l.T("upw.col.verdict"), l.T("upw.adj.col.years_above"), l.T("upw.adj.col.years_below")},
		Numeric: []bool{false, true, true, true, true, true, true, false, true, true}}
	rows := slices.Clone(res.Rows)
	slices.SortStableFunc(rows, func(a, b unitpicture.AdjustedRow) int {
		switch {
		case a.Residual > b.Residual:
			return -1
		case a.Residual < b.Residual:
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	for _, r := range rows {
		units.Rows = append(units.Rows, []export.Cell{{Text: r.Name, Href: unitLink(r.UnitID)}, pupilsCell(r.Pupils, l),
			numCell(r.Actual, dec, l), numCell(r.Expected, dec, l), signedCell(r.Residual, dec, l), numCell(r.Lower, dec, l), numCell(r.Upper, dec, l),
			verdictCell(r.Verdict, l), export.Number(float64(r.YearsAbove), 0, l.Lang), export.Number(float64(r.YearsBelow), 0, l.Lang)})
	}
	units.Note = l.T("upw.adj.units_note", "Level", export.Format(res.Level*100, 0, l.Lang), "Few", res.ExcludedFewPupils,
		"Missing", res.ExcludedMissing, "Min", unitpicture.MinRegressionPupils)
	model := export.Table{ID: "model", Title: l.T("upw.adj.t_model"), Columns: []string{l.T("upw.adj.col.term"), l.T("upw.adj.col.coef"), l.T("upw.adj.col.se")},
		Numeric: []bool{false, true, true}}
	for _, c := range res.Coef {
		se := numCell(c.SE, 3, l)
		if c.SE == 0 {
			se = export.Cell{Text: "–", Mark: "muted"}
		}
		model.Rows = append(model.Rows, []export.Cell{export.Text(termName(c.Name, res, l)), numCell(c.Value, 3, l), se})
	}
	r2 := export.Cell{Text: l.T("upw.adj.r2_published"), Mark: "muted"}
	if res.Model != unitpicture.ModelSALSA2016 && res.R2 != nil {
		r2 = numCell(*res.R2, 3, l)
	}
	model.Rows = append(model.Rows,
		[]export.Cell{export.Text(l.T("upw.adj.r2")), r2, export.Text("")},
		[]export.Cell{export.Text(l.T("upw.adj.rse")), numCell(res.ResidualSE, 2, l), export.Text("")},
		[]export.Cell{export.Text(l.T("upw.adj.n")), export.Number(float64(res.N), 0, l.Lang), export.Text("")})
	model.Note = l.T("upw.adj.model_note." + res.Model)
	return []export.Table{units, model}
}

// termName names a model term: the intercept, or a predictor's name.
func termName(name string, res *unitpicture.AdjustedResult, l *i18n.Localizer) string {
	for _, p := range res.Predictors {
		if p.Key == name {
			return p.Name(l.Lang)
		}
	}
	switch strings.ToLower(name) {
	case "(intercept)", "intercept", "const", "constant", "":
		return l.T("upw.adj.intercept")
	}
	return name
}

func compVerdict(v string, l *i18n.Localizer) export.Cell {
	switch v {
	case unitpicture.FollowsNeeds:
		return export.Cell{Text: l.T("upw.comp.follows"), Mark: "up"}
	case unitpicture.AgainstNeeds:
		return export.Cell{Text: l.T("upw.comp.against"), Mark: "down"}
	case unitpicture.NoClearLink:
		return export.Text(l.T("upw.comp.no_clear_link"))
	case unitpicture.MixedVerdicts:
		return export.Text(l.T("upw.comp.mixed"))
	}
	return export.Cell{Text: l.T("upw.comp.too_few"), Mark: "muted"}
}

func compensatoryTables(res *unitpicture.CompensatoryResult, l *i18n.Localizer) []export.Table {
	units := export.Table{ID: "units", Title: l.T("upw.comp.t_units", "Year", res.Year),
		Columns: []string{l.T("upw.col.unit"), res.Need.Name(l.Lang)}, Numeric: []bool{false, true}}
	for _, c := range res.Checks {
		units.Columns = append(units.Columns, c.Indicator.Name(l.Lang))
		units.Numeric = append(units.Numeric, true)
	}
	missing := export.Cell{Text: l.T("upw.comp.no_value"), Mark: "muted"}
	for _, u := range res.Units {
		row := []export.Cell{{Text: u.Name, Href: unitLink(u.UnitID)}}
		if u.Need != nil {
			row = append(row, numCell(*u.Need, upDecimals(res.Need), l))
		} else {
			row = append(row, missing)
		}
		for i, v := range u.Resources {
			if v != nil {
				row = append(row, numCell(*v, upDecimals(res.Checks[i].Indicator), l))
			} else {
				row = append(row, missing)
			}
		}
		units.Rows = append(units.Rows, row)
	}
	units.Note = l.T("upw.comp.units_note") + " " + sourceNote(res.Sources, res.Imported, l)
	checks := export.Table{ID: "checks", Title: l.T("upw.comp.t_checks", "Year", res.Year),
		Columns: []string{l.T("upw.comp.col.resource"), l.T("upw.comp.col.more"), l.T("upw.comp.col.r"), l.T("upw.comp.col.n"), l.T("upw.col.verdict")},
		Numeric: []bool{false, false, true, true, false}}
	for _, c := range res.Checks {
		r := export.Cell{Text: "–", Mark: "muted"}
		if c.Correlation != nil {
			r = numCell(*c.Correlation, 2, l)
		}
		more := l.T("upw.comp.more_higher")
		if !c.More {
			more = l.T("upw.comp.more_lower")
		}
		checks.Rows = append(checks.Rows, []export.Cell{export.Text(c.Indicator.Name(l.Lang)), export.Text(more), r,
			export.Number(float64(c.N), 0, l.Lang), compVerdict(c.Verdict, l)})
	}
	checks.Note = l.T("upw.comp.checks_note")
	return []export.Table{units, checks}
}

func steerTables(res *unitpicture.SteerResult, l *i18n.Localizer) []export.Table {
	date := func(t time.Time) string {
		if t.IsZero() {
			return "–"
		}
		return civil.Date(t)
	}
	unitName := func(u unitpicture.UnitPoint) string {
		if u.Name == "" {
			return l.T("upw.steer.other_unit")
		}
		return u.Name
	}
	gaps := export.Table{ID: "gaps", Title: l.T("upw.steer.t_gaps"),
		Columns: []string{l.T("upw.col.indicator"), l.T("upw.col.year"), l.T("upw.steer.col.best"), l.T("upw.steer.col.best_value"), l.T("upw.steer.col.worst"),
			l.T("upw.steer.col.worst_value"), l.T("upw.steer.col.gap"), l.T("upw.col.median"), l.T("upw.steer.col.n"), l.T("upw.col.source"), l.T("upw.col.date")},
		Numeric: []bool{false, false, false, true, false, true, true, true, true, false, false}}
	for _, g := range res.Gaps {
		dec := upDecimals(g.Indicator)
		gaps.Rows = append(gaps.Rows, []export.Cell{export.Text(g.Indicator.Name(l.Lang)), export.Text(g.Year),
			{Text: unitName(g.Best), Href: unitLink(g.Best.UnitID)}, numCell(g.Best.Value, dec, l),
			{Text: unitName(g.Worst), Href: unitLink(g.Worst.UnitID)}, numCell(g.Worst.Value, dec, l),
			numCell(g.Gap, dec, l), numCell(g.Median, dec, l), export.Number(float64(g.N), 0, l.Lang),
			export.Text(sourceName(g.Source, l)), export.Text(date(g.ImportedAt))})
	}
	gaps.Note = l.T("upw.steer.gaps_note")
	changes := export.Table{ID: "changes", Title: l.T("upw.steer.t_changes"),
		Columns: []string{l.T("upw.col.unit"), l.T("upw.col.indicator"), l.T("upw.steer.col.from"), l.T("upw.steer.col.to"), l.T("upw.col.change"),
			l.T("upw.col.verdict"), l.T("upw.col.source"), l.T("upw.col.date")},
		Numeric: []bool{false, false, true, true, true, false, false, false}}
	for _, c := range res.Changes {
		dec := upDecimals(c.Indicator)
		from, to := pointCell(c.Change.From, dec, l), pointCell(c.Change.To, dec, l)
		from.Text, to.Text = c.Change.From.Year+": "+from.Text, c.Change.To.Year+": "+to.Text
		chg := export.Cell{Text: "–", Mark: "muted"}
		if c.Change.From.Has() && c.Change.To.Has() {
			chg = signedCell(*c.Change.To.Value-*c.Change.From.Value, dec, l)
		}
		changes.Rows = append(changes.Rows, []export.Cell{{Text: c.Name, Href: unitLink(c.UnitID)}, export.Text(c.Indicator.Name(l.Lang)),
			from, to, chg, moveText(c.Change.Move, l), export.Text(sourceName(c.Change.To.Source, l)), export.Text(date(c.Change.To.ImportedAt))})
	}
	changes.Note = l.T("upw.steer.changes_note")
	below := export.Table{ID: "below", Title: l.T("upw.steer.t_below"),
		Columns: []string{l.T("upw.col.unit"), l.T("upw.adj.col.actual"), l.T("upw.adj.col.expected"), l.T("upw.adj.col.residual"), l.T("upw.adj.col.years_below")},
		Numeric: []bool{false, true, true, true, true}}
	if res.Adjusted != nil {
		dec := upDecimals(res.Adjusted.Outcome)
		below.Title = l.T("upw.steer.t_below_of", "Name", res.Adjusted.Outcome.Name(l.Lang), "Year", res.Adjusted.Year)
		for _, r := range res.Below {
			below.Rows = append(below.Rows, []export.Cell{{Text: r.Name, Href: unitLink(r.UnitID)}, numCell(r.Actual, dec, l),
				numCell(r.Expected, dec, l), signedCell(r.Residual, dec, l), export.Number(float64(r.YearsBelow), 0, l.Lang)})
		}
	}
	below.Note = l.T("upw.steer.below_note", "Date", date(res.GeneratedAt))
	return []export.Table{gaps, changes, below}
}

func directionText(ind unitpicture.Indicator, l *i18n.Localizer) string {
	switch {
	case ind.Direction > 0:
		return l.T("upw.dir.higher")
	case ind.Direction < 0:
		return l.T("upw.dir.lower")
	}
	return l.T("upw.dir.neutral")
}

func indicatorListTables(inds []unitpicture.Indicator, l *i18n.Localizer) []export.Table {
	t := export.Table{ID: "indicators", Title: l.T("upw.inds.t_list"),
		Columns: []string{l.T("upw.col.indicator"), l.T("upw.inds.col.key"), l.T("upw.inds.col.unit"), l.T("upw.inds.col.direction"),
			l.T("upw.inds.col.type"), l.T("upw.inds.col.definition"), l.T("upw.col.source")},
		Numeric: make([]bool, 7)}
	for _, ind := range inds {
		typ := l.T("upw.inds.builtin")
		if !ind.BuiltIn {
			typ = l.T("upw.inds.own")
		}
		if ind.Background {
			typ += ", " + l.T("upw.unit.background")
		}
		def := ind.DefinitionSV
		if l.Lang == "en" && ind.DefinitionEN != "" {
			def = ind.DefinitionEN
		}
		name := export.Cell{Text: ind.Name(l.Lang)}
		if !ind.Background {
			name.Href = "/unitpicture?indicator=" + ind.Key
		}
		t.Rows = append(t.Rows, []export.Cell{name, export.Text(ind.Key), export.Text(upUnitLabel(ind, l)), export.Text(directionText(ind, l)),
			export.Text(typ), export.Text(def), export.Text(sourceName(ind.Source, l))})
	}
	return []export.Table{t}
}
