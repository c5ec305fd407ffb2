package round

import (
	"math"
	"sort"

	"github.com/styrkedjan/styrkedjan/internal/placement/batch"
)

// A Cell is a square of the demand map with the number of applicants
// living in it.
type Cell struct {
	MinLat, MinLon, MaxLat, MaxLon float64
	Count                          int
}

// DemandMap is applicants' homes aggregated into square cells that do not
// overlap. Cells are split like a quadtree: a coarse cell is divided into
// its four quarters only while every non-empty quarter keeps at least
// MinGroup applicants; a coarse cell with fewer is not shown and counted
// in Hidden. No shown cell has fewer than MinGroup applicants.
type DemandMap struct {
	Cells    []Cell
	Hidden   int // applicants in cells too small to show
	MinGroup int
	// The extent of homes and schools, for drawing.
	MinLat, MinLon, MaxLat, MaxLon float64
}

// demandLevels is how many times a coarse cell may be halved: the finest
// cells are cellMeters, the coarsest 2^demandLevels times that.
const demandLevels = 3

// Demand aggregates the homes into cells of at least about cellMeters.
func Demand(apps []batch.Applicant, schools []batch.School, cellMeters float64, minGroup int) DemandMap {
	m := DemandMap{MinGroup: minGroup, MinLat: math.Inf(1), MinLon: math.Inf(1), MaxLat: math.Inf(-1), MaxLon: math.Inf(-1)}
	grow := func(lat, lon float64) {
		m.MinLat, m.MaxLat = math.Min(m.MinLat, lat), math.Max(m.MaxLat, lat)
		m.MinLon, m.MaxLon = math.Min(m.MinLon, lon), math.Max(m.MaxLon, lon)
	}
	for _, a := range apps {
		grow(a.Lat, a.Lon)
	}
	for _, s := range schools {
		grow(s.Lat, s.Lon)
	}
	if len(apps) == 0 {
		return m
	}
	dLat := cellMeters / 111320
	dLon := cellMeters / (111320 * math.Max(math.Cos((m.MinLat+m.MaxLat)/2*math.Pi/180), 0.01))
	type key struct{ r, c int }
	fine := map[key]int{}
	for _, a := range apps {
		fine[key{int(math.Floor((a.Lat - m.MinLat) / dLat)), int(math.Floor((a.Lon - m.MinLon) / dLon))}]++
	}
	// counts[l] holds the cells of level l (0 finest), each 2^l fine cells wide.
	counts := make([]map[key]int, demandLevels+1)
	counts[0] = fine
	for l := 1; l <= demandLevels; l++ {
		counts[l] = map[key]int{}
		for k, n := range counts[l-1] {
			counts[l][key{floorDiv(k.r, 2), floorDiv(k.c, 2)}] += n
		}
	}
	var place func(l int, k key)
	place = func(l int, k key) {
		if l > 0 {
			split := true
			for dr := 0; dr < 2 && split; dr++ {
				for dc := 0; dc < 2; dc++ {
					if n := counts[l-1][key{2*k.r + dr, 2*k.c + dc}]; n > 0 && n < minGroup {
						split = false
						break
					}
				}
			}
			if split {
				for dr := 0; dr < 2; dr++ {
					for dc := 0; dc < 2; dc++ {
						if kk := (key{2*k.r + dr, 2*k.c + dc}); counts[l-1][kk] > 0 {
							place(l-1, kk)
						}
					}
				}
				return
			}
		}
		size := float64(int(1) << l)
		m.Cells = append(m.Cells, Cell{MinLat: m.MinLat + float64(k.r)*dLat*size, MinLon: m.MinLon + float64(k.c)*dLon*size,
			MaxLat: m.MinLat + float64(k.r+1)*dLat*size, MaxLon: m.MinLon + float64(k.c+1)*dLon*size, Count: counts[l][k]})
	}
	for k, n := range counts[demandLevels] {
		if n < minGroup {
			m.Hidden += n
			continue
		}
		place(demandLevels, k)
	}
	sort.Slice(m.Cells, func(i, j int) bool {
		a, b := m.Cells[i], m.Cells[j]
		if a.MaxLat != b.MaxLat {
			return a.MaxLat > b.MaxLat
		}
		return a.MinLon < b.MinLon
	})
	return m
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}
