package survey

import (
	"math"
	"strconv"
	"testing"

	"pgregory.net/rapid"
)

// TestIndexesEqualIndependentComputation: on generated answers (with
// "don't know" and skipped statements), every unit's and the organizer's
// index equals a direct computation: per respondent the mean of their
// values on the index's statements, 1 → 0 and 5 → 100, then the mean over
// the respondents who have one; n counts them.
func TestIndexesEqualIndependentComputation(t *testing.T) {
	s := Survey{Audience: Pupil}
	idx := []string{"safety", "safety", "study_peace", "support", "support", "support"}
	for i, x := range idx {
		s.Items = append(s.Items, Question{ID: int64(i + 1), Key: "q" + strconv.Itoa(i), Index: x, Kind: Scale})
	}
	ms := measures(s)
	rapid.Check(t, func(t *rapid.T) {
		var groups []Group
		resp := map[int64][]respondent{}
		units := rapid.IntRange(1, 3).Draw(t, "units")
		gid := int64(0)
		for u := range units {
			for range rapid.IntRange(1, 3).Draw(t, "groups") {
				gid++
				groups = append(groups, Group{ID: gid, UnitID: int64(u + 1), UnitName: "U" + strconv.Itoa(u), Year: rapid.IntRange(0, 2).Draw(t, "year"), Label: strconv.FormatInt(gid, 10)})
				for range rapid.IntRange(0, 15).Draw(t, "n") {
					r := respondent{}
					for _, q := range s.Items {
						switch v := rapid.IntRange(-1, 5).Draw(t, "v"); v {
						case -1: // skipped
						case 0:
							r[q.ID] = nil
						default:
							r[q.ID] = &v
						}
					}
					resp[gid] = append(resp[gid], r)
				}
			}
		}
		rows, _ := compute(groups, resp, ms, 1, false)
		want := func(unit int64, index string) (float64, int) {
			sum, n := 0.0, 0
			for _, g := range groups {
				if unit != 0 && g.UnitID != unit {
					continue
				}
				for _, r := range resp[g.ID] {
					s, k := 0.0, 0
					for i, x := range idx {
						if v := r[int64(i+1)]; x == index && v != nil {
							s += float64(*v)
							k++
						}
					}
					if k > 0 {
						sum += (s/float64(k) - 1) / 4 * 100
						n++
					}
				}
			}
			return sum / float64(n), n
		}
		for _, row := range rows {
			if row.Level != LevelOrganizer && row.Level != LevelUnit {
				continue
			}
			for j, m := range ms {
				if !m.Index {
					continue
				}
				mean, n := want(row.UnitID, m.Key)
				v := row.Values[j]
				if n == 0 {
					if v.Mean != nil {
						t.Fatalf("%s %s: a mean without answers", row.Unit, m.Key)
					}
					continue
				}
				if v.Mean == nil || *v.N != n || math.Abs(*v.Mean-mean) > 1e-9 {
					t.Fatalf("%s/%s %s: got %v (n %v), want %v (n %d)", row.Level, row.Unit, m.Key, v.Mean, v.N, mean, n)
				}
			}
		}
	})
}

// TestCheckFlags: names, addresses and numbers are found and masked.
func TestCheckFlags(t *testing.T) {
	for text, want := range map[string]string{
		"Elias i 5B slår mig. Mejla anna.b@skola.se eller ring +46 70 123 45 67.": "••• i 5B slår mig. Mejla ••• eller ring •••.",
		"det är lugnt på lektionerna.":                                            "det är lugnt på lektionerna.",
		"Vi har det bra. Fröken Karin hjälper":                                    "Vi har det bra. Fröken ••• hjälper",
		"jag gillar maja och rasterna":                                            "jag gillar ••• och rasterna",
	} {
		if got := Mask(text, Check(text)); got != want {
			t.Errorf("Mask(%q) = %q, want %q", text, got, want)
		}
	}
}
