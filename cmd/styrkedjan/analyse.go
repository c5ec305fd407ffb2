package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/stats"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture/skolverket"
)

const analyseUsage = `usage: styrkedjan analyse adjusted --input FILE.csv --id COLUMN --outcome COLUMN --predictors A,B,C [--level 0.95] [--model ols|salsa2016]

Results against background: each unit's actual outcome against the value its background
predicts. --model ols (the default) fits ordinary least squares of the outcome on the
predictors across the file's rows; --model salsa2016 applies Skolverket's published 2015/16
SALSA coefficients instead (predictors, in order: parents' education index 1–3, share of boys
0–1, share of newly immigrated 0–1; the interval is ±z·17.34, without parameter uncertainty).

The input is CSV with a header row, separated by commas or semicolons (then decimal commas
are accepted); "..", "." and empty cells are missing values. Rows with a missing value in the
outcome or a predictor are skipped and counted. Standard output gets CSV
id,actual,expected,residual,lower,upper (lower and upper: the prediction interval at --level);
standard error gets the model: n, skipped rows, the coefficients, R² and the residual SE.`

// runAnalyse runs "analyse adjusted" (issue 5).
func runAnalyse(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || args[0] != "adjusted" {
		return usagef("%s", analyseUsage)
	}
	fs := newFlagSet("analyse adjusted", e)
	input := fs.String("input", "", "the CSV file (- for standard input)")
	idCol := fs.String("id", "", "the column that names each unit")
	outcome := fs.String("outcome", "", "the outcome column, e.g. the merit value")
	predictors := fs.String("predictors", "", "comma-separated predictor columns, e.g. parents_education,share_boys,share_newly_immigrated")
	level := fs.Float64("level", 0.95, "the level of the prediction interval, between 0 and 1")
	model := fs.String("model", "ols", "ols (fit to this file) or salsa2016 (Skolverket's published coefficients)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	switch {
	case *input == "":
		return usagef("analyse: give --input FILE.csv\n%s", analyseUsage)
	case *idCol == "" || *outcome == "":
		return usagef("analyse: give --id COLUMN and --outcome COLUMN\n%s", analyseUsage)
	case !(*level > 0 && *level < 1):
		return usagef("analyse: --level must be between 0 and 1 (e.g. 0.95), not %v", *level)
	case *model != "ols" && *model != "salsa2016":
		return usagef("analyse: --model must be ols or salsa2016, not %q", *model)
	}
	var preds []string
	for _, p := range strings.Split(*predictors, ",") {
		if p = strings.TrimSpace(p); p != "" {
			preds = append(preds, p)
		}
	}
	if len(preds) == 0 {
		return usagef("analyse: give --predictors A,B,C\n%s", analyseUsage)
	}
	if *model == "salsa2016" && len(preds) != len(stats.SALSA2016.Names) {
		return usagef("analyse: --model salsa2016 needs exactly %d predictors, in the order %s", len(stats.SALSA2016.Names), strings.Join(stats.SALSA2016.Names, ","))
	}

	var r io.Reader = e.stdin
	name := "standard input"
	if *input != "-" {
		f, err := os.Open(*input)
		if err != nil {
			return fmt.Errorf("analyse: %w", err)
		}
		defer f.Close()
		r, name = f, *input
	}
	tab, err := readAnalyseCSV(r, name, *idCol, *outcome, preds)
	if err != nil {
		return err
	}

	type result struct{ fit, lo, hi float64 }
	res := make([]result, len(tab.y))
	switch *model {
	case "ols":
		fit, err := stats.OLS(tab.y, tab.x, preds)
		if err != nil {
			return fmt.Errorf("analyse: %s: %w (%d usable rows, %d skipped)", name, err, len(tab.y), tab.skipped)
		}
		for i, x := range tab.x {
			res[i].fit, res[i].lo, res[i].hi = fit.Predict(x, *level)
		}
		fmt.Fprintf(e.stderr, "# model: ordinary least squares, %s on %s\n", *outcome, strings.Join(preds, ", "))
		fmt.Fprintf(e.stderr, "# n: %d (rows skipped for missing values: %d)\n", fit.N, tab.skipped)
		fmt.Fprintf(e.stderr, "# R²: %.4f  adjusted R²: %.4f  residual SE: %.4f  df: %d\n", fit.R2, fit.AdjR2, fit.ResidualSE, fit.DF)
		fmt.Fprintf(e.stderr, "# term,coefficient,standard_error\n")
		for j, n := range fit.Names {
			fmt.Fprintf(e.stderr, "# %s,%s,%s\n", n, num(fit.Coef[j]), num(fit.SE[j]))
		}
	case "salsa2016":
		m := stats.SALSA2016
		for i, x := range tab.x {
			res[i].fit, res[i].lo, res[i].hi = m.Predict(x, *level)
		}
		fmt.Fprintf(e.stderr, "# model: Skolverket SALSA 2015/16 (published coefficients; R² 0.585 on 1,443 units)\n")
		fmt.Fprintf(e.stderr, "# n: %d (rows skipped for missing values: %d)\n", len(tab.y), tab.skipped)
		fmt.Fprintf(e.stderr, "# residual SE: %s; interval ±z·RSE without parameter uncertainty\n", num(m.ResidualSE))
		fmt.Fprintf(e.stderr, "# term,coefficient\n# (intercept),%s\n", num(m.Coef[0]))
		for j, n := range preds {
			fmt.Fprintf(e.stderr, "# %s (as %s),%s\n", n, m.Names[j], num(m.Coef[j+1]))
		}
	}

	w := csv.NewWriter(e.stdout)
	_ = w.Write([]string{"id", "actual", "expected", "residual", "lower", "upper"})
	for i, id := range tab.ids {
		_ = w.Write([]string{id, num(tab.y[i]), num(res[i].fit), num(tab.y[i] - res[i].fit), num(res[i].lo), num(res[i].hi)})
	}
	w.Flush()
	return w.Error()
}

func num(v float64) string {
	s := strconv.FormatFloat(v, 'f', 4, 64)
	if s == "-0.0000" {
		return "0.0000"
	}
	return s
}

type analyseTable struct {
	ids     []string
	y       []float64
	x       [][]float64
	skipped int
}

// readAnalyseCSV reads the id, outcome and predictor columns. Unknown
// column names are usage errors; a non-numeric value is an error naming
// the file, line and column.
func readAnalyseCSV(r io.Reader, name, idCol, outcome string, preds []string) (*analyseTable, error) {
	br := bufio.NewReader(r)
	first, err := br.Peek(4096)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("analyse: %s: %w", name, err)
	}
	first = bytes.TrimPrefix(first, []byte("\ufeff"))
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	cr := csv.NewReader(br)
	if bytes.Count(first, []byte{';'}) > bytes.Count(first, []byte{','}) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = 0
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("analyse: %s: empty file", name)
		}
		return nil, fmt.Errorf("analyse: %s: %w", name, err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	idx := map[string]int{}
	for i, h := range header {
		idx[strings.TrimSpace(h)] = i
	}
	col := func(flagName, c string) (int, error) {
		i, ok := idx[c]
		if !ok {
			return 0, usagef("analyse: %s: no column %q (given by --%s); the columns are: %s", name, c, flagName, strings.Join(header, ", "))
		}
		return i, nil
	}
	idI, err := col("id", idCol)
	if err != nil {
		return nil, err
	}
	yI, err := col("outcome", outcome)
	if err != nil {
		return nil, err
	}
	xI := make([]int, len(preds))
	for j, p := range preds {
		if xI[j], err = col("predictors", p); err != nil {
			return nil, err
		}
	}
	t := &analyseTable{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("analyse: %s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		val := func(i int, c string) (*float64, error) {
			s := strings.TrimSpace(rec[i])
			if s == "" || s == "NA" {
				return nil, nil
			}
			if cr.Comma == ',' && strings.Contains(s, ",") {
				return nil, fmt.Errorf("analyse: %s: line %d, column %q: not a number: %q", name, line, c, s)
			}
			v, _, err := skolverket.ParseValue(s)
			if err != nil {
				return nil, fmt.Errorf("analyse: %s: line %d, column %q: not a number: %q", name, line, c, s)
			}
			return v, nil
		}
		y, err := val(yI, outcome)
		if err != nil {
			return nil, err
		}
		xs := make([]float64, len(preds))
		missing := y == nil
		for j, i := range xI {
			v, err := val(i, preds[j])
			if err != nil {
				return nil, err
			}
			if v == nil {
				missing = true
			} else {
				xs[j] = *v
			}
		}
		if missing {
			t.skipped++
			continue
		}
		t.ids = append(t.ids, strings.TrimSpace(rec[idI]))
		t.y = append(t.y, *y)
		t.x = append(t.x, xs)
	}
	return t, nil
}
