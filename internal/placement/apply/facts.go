package apply

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/placement/batch"
	"github.com/styrkedjan/styrkedjan/internal/placement/round"
	"github.com/styrkedjan/styrkedjan/internal/placement/walknet"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture"
)

// ResultKeys are the unit-picture indicators guardians see for a school:
// results and teachers, as published by Skolverket (groups under 10
// pupils suppressed).
var ResultKeys = []string{"pass_all_subjects_6", "pass_all_subjects_9", "merit_value_9", "certified_teachers"}

// SchoolFacts is what a guardian sees of a school they may choose.
type SchoolFacts struct {
	Offered
	UnitID  int64    // 0 when the school is not one of the organizer's units
	WalkM   *float64 // walking metres from the child's home on the round's network; nil when unknown
	Pupils  *int     // units.pupils
	Text    string   // the school's own short text (units.choice_text)
	Results []unitpicture.PublicResult
	Label   int // its number on the map
}

// Choice is the child's page: the schools with their facts, nearest on
// foot first, and a small map.
type Choice struct {
	Schools []SchoolFacts
	Map     *Map
	// OSM: the distances and map come from OpenStreetMap data (credit it);
	// false for a made-up example network.
	OSM bool
}

// School returns the facts of the school with id.
func (c *Choice) School(id string) (SchoolFacts, bool) {
	for _, s := range c.Schools {
		if s.ID == id {
			return s, true
		}
	}
	return SchoolFacts{}, false
}

// Facts gathers the schools that offer the child's year group with the
// facts guardians ask about. Walking distances use the run service's
// cached graph of the round's network (svc nil: no distances).
func Facts(ctx context.Context, q store.Q, svc *round.Service, c *Child) (*Choice, error) {
	os, err := offered(ctx, q, c)
	if err != nil {
		return nil, err
	}
	ch := &Choice{}
	for _, o := range os {
		f := SchoolFacts{Offered: o}
		var pupils *int
		err := q.QueryRow(ctx, "SELECT id, pupils, choice_text FROM units WHERE unit_code = ?", o.ID).Scan(&f.UnitID, &pupils, &f.Text)
		if err != nil && !store.IsNotFound(err) {
			return nil, err
		}
		if pupils != nil && *pupils > 0 {
			f.Pupils = pupils
		}
		if f.UnitID != 0 {
			if f.Results, err = unitpicture.PublicResults(ctx, q, f.UnitID, ResultKeys); err != nil {
				return nil, err
			}
		}
		ch.Schools = append(ch.Schools, f)
	}
	var g *walknet.Graph
	if svc != nil && c.Lat != nil && c.Lon != nil {
		r, err := round.Get(ctx, q, c.RoundID)
		if err != nil {
			return nil, err
		}
		var generated bool
		if g, generated, err = svc.Graph(ctx, q, r.NetworkID); err != nil {
			return nil, err
		}
		ch.OSM = !generated
		walk(ctx, g, walknet.Point{Lat: *c.Lat, Lon: *c.Lon}, ch.Schools)
	}
	slices.SortStableFunc(ch.Schools, func(a, b SchoolFacts) int {
		switch {
		case a.WalkM != nil && b.WalkM != nil:
			return cmp.Compare(*a.WalkM, *b.WalkM)
		case a.WalkM != nil:
			return -1
		case b.WalkM != nil:
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	for i := range ch.Schools {
		ch.Schools[i].Label = i + 1
	}
	if c.Lat != nil && c.Lon != nil {
		ch.Map = drawMap(g, walknet.Point{Lat: *c.Lat, Lon: *c.Lon}, ch.Schools)
	}
	return ch, nil
}

// walk fills the walking distances from home to each school: snapped onto
// the network's main part as a run does, unreachable or unsnappable left
// unknown.
func walk(ctx context.Context, g *walknet.Graph, home walknet.Point, schools []SchoolFacts) {
	h, err := g.SnapConnected(home, batch.DefaultMaxSnapMeters)
	if err != nil {
		return
	}
	var to []walknet.Snapped
	var idx []int
	for i, s := range schools {
		sp, err := g.SnapConnected(walknet.Point{Lat: s.Lat, Lon: s.Lon}, batch.DefaultMaxSnapMeters)
		if err == nil {
			to = append(to, sp)
			idx = append(idx, i)
		}
	}
	if len(to) == 0 {
		return
	}
	m, err := g.Matrix(ctx, []walknet.Snapped{h}, to, 1)
	if err != nil {
		return
	}
	for j, i := range idx {
		if d := m[0][j]; !math.IsInf(d, 0) && !math.IsNaN(d) {
			schools[i].WalkM = &d
		}
	}
}

// Map is a small map of the home and the schools as SVG coordinates (no
// script): Ways is one path of the network's ways in view.
type Map struct {
	W, H    int
	Home    MapPoint
	Schools []MapPoint
	Ways    string
}

// MapPoint is a point on the map with its label.
type MapPoint struct {
	X, Y  float64
	Label int
	Name  string
}

const (
	mapWidth    = 320
	mapMaxWays  = 6000
	mapPadRatio = 0.08
)

// drawMap projects the home and schools (equirectangular around their
// middle, north up) into a mapWidth-wide box, with the ways in view.
func drawMap(g *walknet.Graph, home walknet.Point, schools []SchoolFacts) *Map {
	minLat, maxLat, minLon, maxLon := home.Lat, home.Lat, home.Lon, home.Lon
	for _, s := range schools {
		minLat, maxLat = math.Min(minLat, s.Lat), math.Max(maxLat, s.Lat)
		minLon, maxLon = math.Min(minLon, s.Lon), math.Max(maxLon, s.Lon)
	}
	k := math.Cos((minLat + maxLat) / 2 * math.Pi / 180)
	w, h := (maxLon-minLon)*k, maxLat-minLat
	span := math.Max(math.Max(w, h), 0.002)
	pad := span * mapPadRatio
	w, h = math.Max(w, span/2)+2*pad, math.Max(h, span/2)+2*pad
	cx, cy := (minLon+maxLon)/2*k, (minLat+maxLat)/2
	scale := mapWidth / w
	m := &Map{W: mapWidth, H: int(math.Ceil(h * scale))}
	proj := func(p walknet.Point) (float64, float64) {
		x := (p.Lon*k-cx)*scale + float64(m.W)/2
		y := float64(m.H)/2 - (p.Lat-cy)*scale
		return math.Round(x*10) / 10, math.Round(y*10) / 10
	}
	in := func(x, y float64) bool { return x >= 0 && y >= 0 && x <= float64(m.W) && y <= float64(m.H) }
	m.Home.X, m.Home.Y = proj(home)
	for _, s := range schools {
		x, y := proj(walknet.Point{Lat: s.Lat, Lon: s.Lon})
		m.Schools = append(m.Schools, MapPoint{X: x, Y: y, Label: s.Label, Name: s.Name})
	}
	if g != nil {
		var b strings.Builder
		n := 0
		for e := 0; e < g.NumEdges() && n < mapMaxWays; e++ {
			u, v, _ := g.Edge(e)
			x1, y1 := proj(g.NodePoint(u))
			x2, y2 := proj(g.NodePoint(v))
			if !in(x1, y1) && !in(x2, y2) {
				continue
			}
			fmt.Fprintf(&b, "M%g %gL%g %g", x1, y1, x2, y2)
			n++
		}
		m.Ways = b.String()
	}
	return m
}
