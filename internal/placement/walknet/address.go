package walknet

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"regexp"
	"runtime"
	"strings"
	"unicode"

	"github.com/paulmach/osm"
	"github.com/paulmach/osm/osmpbf"
	"github.com/paulmach/osm/osmxml"
	"golang.org/x/text/unicode/norm"
)

// An Address is an addressed place in OSM data: a node with addr:* tags, or
// a way (a building, mostly) with them at its centroid.
type Address struct {
	Street, HouseNumber, Postcode, City string
	Point
	OSM string // "node/ID" or "way/ID"
}

// ReadAddresses reads the addressed nodes and ways (addr:street or
// addr:place, and addr:housenumber) of an OSM file, for geocoding homes,
// and the bounds of all its nodes (the area the file covers). It is a pass
// of its own, so reading a graph pays nothing for it; the bounds of o apply
// as to ReadWith.
func ReadAddresses(ctx context.Context, r io.Reader, f Format, o ReadOptions) (as []Address, min, max Point, err error) {
	as, min, max, err = readAddresses(ctx, r, f, o)
	return
}

func readAddresses(ctx context.Context, r io.Reader, f Format, o ReadOptions) ([]Address, Point, Point, error) {
	var none Point
	if ctx == nil {
		ctx = context.Background()
	}
	type scanner interface {
		Scan() bool
		Object() osm.Object
		Err() error
		Close() error
	}
	var sc scanner
	var inflated *capReader
	var guard *pbfGuard
	switch f {
	case FormatPBF:
		guard = newPBFGuard(r, o)
		s := osmpbf.New(ctx, guard, runtime.GOMAXPROCS(0))
		s.SkipRelations = true
		sc = s
	case FormatXML:
		sc = osmxml.New(ctx, r)
	case FormatXMLGz:
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, none, none, fmt.Errorf("not a gzip file: %w", err)
		}
		defer zr.Close()
		limit := o.MaxInflated
		if limit <= 0 {
			limit = DefaultMaxInflated
		}
		inflated = &capReader{r: zr, max: limit, left: limit}
		sc = osmxml.New(ctx, inflated)
	default:
		return nil, none, none, fmt.Errorf("unknown format %v", f)
	}
	defer sc.Close()

	raw := &rawData{}
	var out []Address
	type addrWay struct {
		a    Address
		refs []int64
	}
	var ways []addrWay
	for sc.Scan() {
		switch o := sc.Object().(type) {
		case *osm.Node:
			raw.addNode(int64(o.ID), o.Lat, o.Lon)
			if a, ok := addressOf(o.Tags); ok {
				a.Point, a.OSM = Point{o.Lat, o.Lon}, fmt.Sprintf("node/%d", o.ID)
				out = append(out, a)
			}
		case *osm.Way:
			if a, ok := addressOf(o.Tags); ok {
				a.OSM = fmt.Sprintf("way/%d", o.ID)
				refs := make([]int64, len(o.Nodes))
				for i, wn := range o.Nodes {
					refs[i] = int64(wn.ID)
				}
				ways = append(ways, addrWay{a, refs})
			}
		}
	}
	if inflated != nil && inflated.err != nil {
		return nil, none, none, inflated.err
	}
	if guard != nil {
		if err := guard.Err(); err != nil && err != io.EOF {
			return nil, none, none, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, none, none, fmt.Errorf("reading OSM data: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, none, none, err
	}
	ix := newNodeIndex(raw)
	for _, w := range ways {
		if p, ok := centroid(raw, ix, w.refs); ok {
			w.a.Point = p
			out = append(out, w.a)
		}
	}
	g := &Graph{lat: raw.nodeLat, lon: raw.nodeLon}
	g.computeBounds()
	return out, g.minP, g.maxP, nil
}

func addressOf(t osm.Tags) (Address, bool) {
	a := Address{Street: t.Find("addr:street"), HouseNumber: t.Find("addr:housenumber"), Postcode: t.Find("addr:postcode"), City: t.Find("addr:city")}
	if a.Street == "" {
		a.Street = t.Find("addr:place")
	}
	return a, a.Street != "" && a.HouseNumber != ""
}

// A Gazetteer finds addressed places by street, house number, postal code
// and city.
type Gazetteer struct {
	by map[string][]Address // normalized street + "\x00" + number
}

// NewGazetteer indexes addresses.
func NewGazetteer(as []Address) *Gazetteer {
	g := &Gazetteer{by: map[string][]Address{}}
	for _, a := range as {
		k := NormalizeStreet(a.Street) + "\x00" + normalizeNumber(a.HouseNumber)
		g.by[k] = append(g.by[k], a)
	}
	return g
}

// SamePlace is how far apart two addressed features may lie and still be
// one place (an address node inside its building, say).
const SamePlace = 60.0

// Geocode outcomes.
const (
	Found    = "found"
	NoMatch  = "no_match"
	Several  = "several"
	NoNumber = "no_number"
)

// Geocode finds the place of an address as written in a register ("Storgatan
// 12 B", "Storgatan 12B lgh 1102"), narrowed by postal code and city where
// the OSM data gives them. It returns Found with the point only when the
// matches are one place (all within SamePlace metres); otherwise NoMatch,
// Several (with the matches) or NoNumber. It never guesses.
func (g *Gazetteer) Geocode(address, postcode, city string) (string, Point, []Address) {
	street, number, ok := SplitAddress(address)
	if !ok {
		return NoNumber, Point{}, nil
	}
	cands := g.by[NormalizeStreet(street)+"\x00"+normalizeNumber(number)]
	pc := digits(postcode)
	var keep []Address
	for _, c := range cands {
		if pc != "" && c.Postcode != "" && digits(c.Postcode) != pc {
			continue
		}
		if city != "" && c.City != "" && NormalizeStreet(c.City) != NormalizeStreet(city) {
			continue
		}
		keep = append(keep, c)
	}
	if len(keep) == 0 {
		return NoMatch, Point{}, nil
	}
	for _, a := range keep[1:] {
		if StraightLine(a.Point, keep[0].Point) > SamePlace {
			return Several, Point{}, keep
		}
	}
	// One place: prefer a building's centroid, else the first node.
	best := keep[0]
	for _, a := range keep {
		if strings.HasPrefix(a.OSM, "way/") {
			best = a
			break
		}
	}
	return Found, best.Point, keep
}

var (
	numberRE = regexp.MustCompile(`^(.*?)[\s,]+(\d+(?:\s?[A-Za-z]+|[-/]\d+[A-Za-z]*)?)(?:\s*,.*|\s+(?:lgh|lägenhet)\.?\s*\d+.*|\s+\d+\s*tr.*)?$`)
	spaceRE  = regexp.MustCompile(`\s+`)
)

// SplitAddress splits "Storgatan 12 B" into street and house number.
func SplitAddress(s string) (street, number string, ok bool) {
	m := numberRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil || strings.TrimSpace(m[1]) == "" {
		return "", "", false
	}
	return strings.TrimSpace(m[1]), m[2], true
}

// NormalizeStreet folds case, Unicode form, punctuation and spacing, so
// "Avenue  de la Costa" and "avenue de la costa" are one street.
func NormalizeStreet(s string) string {
	s = norm.NFC.String(strings.ToLower(s))
	s = strings.Map(func(r rune) rune {
		if unicode.IsPunct(r) && r != '\'' {
			return ' '
		}
		if r == '’' {
			return '\''
		}
		return r
	}, s)
	return strings.TrimSpace(spaceRE.ReplaceAllString(s, " "))
}

func normalizeNumber(s string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
}

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}
