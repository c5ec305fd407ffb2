// Command tiestat counts, in the output of "styrkedjan placement run",
// the refusals at a wished school by the criterion that decided them:
// the first listed criterion or a later one after a tie, and how many
// were decided by a difference below a whole metre (rounding noise, or
// a real difference below the resolution; 0 since issue 20). Given two
// output directories (before, after) it also lists the pupils placed
// differently, by school or choice rank:
//
//	tiestat out-before out-after
package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
)

type priority struct {
	Relative      float64 `json:"relative_m"`
	NoAlternative bool    `json:"no_alternative"`
	Meters        float64 `json:"meters"`
}

type explanation struct {
	Criteria []string `json:"criteria"`
	Declined []struct {
		Reason       string    `json:"reason"`
		Decisive     string    `json:"decisive"`
		Own          priority  `json:"own"`
		LastAdmitted *priority `json:"last_admitted"`
	} `json:"declined"`
}

// round is whole metres, halves away from zero (placement.Rules.Steps).
func round(x float64) float64 { return math.Round(x) }

func stats(dir string) error {
	f, err := os.Open(filepath.Join(dir, "explanations.jsonl"))
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	var refusals, first, later, below, noise int
	by := map[string]int{}
	for sc.Scan() {
		var e explanation
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return err
		}
		for _, d := range e.Declined {
			if d.Reason != "outranked" || d.LastAdmitted == nil {
				continue
			}
			refusals++
			by[d.Decisive]++
			if len(e.Criteria) > 0 && d.Decisive == e.Criteria[0] {
				first++
			} else {
				later++
			}
			o, l := d.Own, *d.LastAdmitted
			switch d.Decisive {
			case "relative_proximity":
				if !o.NoAlternative && !l.NoAlternative && round(o.Relative) == round(l.Relative) {
					below++
					if math.Abs(o.Relative-l.Relative) < 1e-6 {
						noise++
					}
				}
			case "absolute_proximity":
				if round(o.Meters) == round(l.Meters) {
					below++
					if math.Abs(o.Meters-l.Meters) < 1e-6 {
						noise++
					}
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	var names []string
	for k := range by {
		names = append(names, k)
	}
	sort.Strings(names)
	fmt.Printf("%s: %d refusals at a wished school; decided by the first criterion %d, by a later one after a tie %d; decided by a difference below 1 m %d (of which below 1e-6 m: %d)\n",
		dir, refusals, first, later, below, noise)
	for _, k := range names {
		fmt.Printf("  %s: %d\n", k, by[k])
	}
	return nil
}

func placements(dir string) (map[string][2]string, error) {
	f, err := os.Open(filepath.Join(dir, "placements.csv"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, err
	}
	out := map[string][2]string{}
	for _, r := range recs[1:] {
		out[r[0]] = [2]string{r[1], r[2]}
	}
	return out, nil
}

func main() {
	if len(os.Args) < 2 || len(os.Args) > 3 {
		fmt.Fprintln(os.Stderr, "usage: tiestat OUTDIR [OUTDIR-AFTER]")
		os.Exit(2)
	}
	for _, d := range os.Args[1:] {
		if err := stats(d); err != nil {
			fmt.Fprintln(os.Stderr, "tiestat:", err)
			os.Exit(1)
		}
	}
	if len(os.Args) == 3 {
		a, err := placements(os.Args[1])
		if err == nil {
			var b map[string][2]string
			if b, err = placements(os.Args[2]); err == nil {
				var moved []string
				for id, p := range a {
					if b[id] != p {
						moved = append(moved, id)
					}
				}
				slices.Sort(moved)
				fmt.Printf("%d of %d pupils placed differently: %v\n", len(moved), len(a), moved)
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "tiestat:", err)
			os.Exit(1)
		}
	}
}
