package demo

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/styrkedjan/styrkedjan/internal/org"
	plround "github.com/styrkedjan/styrkedjan/internal/placement/round"
	"github.com/styrkedjan/styrkedjan/internal/placement/walknet"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// PlacementRoundName is the demo's placement round.
const PlacementRoundName = "Förskoleklass HT 2027"

// PlacementApplicants is the number of fictional applicants in the demo round.
const PlacementApplicants = 300

// DemoNetworkName is the generated walking network's file name.
const DemoNetworkName = "exempelby-genererad.osm.gz"

// DemoCity is Exempelby's generated walking network: a street grid over
// the units' coordinates with a river (Sjöviksån) between the centre and
// Sjöviken, crossed by three bridges. It is not OpenStreetMap data.
func DemoCity() *walknet.City {
	return walknet.GenerateCity(walknet.CityOptions{Seed: 2027, Rows: 49, Cols: 36, SpacingMeters: 100, Bridges: 3,
		Origin: walknet.Point{Lat: 59.349, Lon: 16.490}})
}

// LoadPlacement stores the generated network and a placement round for
// förskoleklass with fictional applicants at the F–6 units, and runs it,
// in the caller's transaction.
func LoadPlacement(ctx context.Context, tx *store.Tx) error {
	city := DemoCity()
	var osm bytes.Buffer
	zw := gzip.NewWriter(&osm)
	if err := city.WriteOSM(zw); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	nid, err := plround.SaveGeneratedNetwork(ctx, tx, DemoNetworkName, osm.Bytes())
	if err != nil {
		return fmt.Errorf("demo network: %w", err)
	}
	type school struct {
		code     string
		lat, lon float64
	}
	var schools []school
	for _, u := range units {
		if slices.ContainsFunc(u.forms, func(f org.UnitForm) bool { return f.Form == "forskoleklass" }) {
			schools = append(schools, school{u.code, u.lat, u.lon})
		}
	}
	rng := rand.New(rand.NewPCG(2027, 7))
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"applicant_id", "year", "lat", "lon", "choices", "siblings"})
	for i, h := range city.RandomPoints(PlacementApplicants, 2027) {
		near := slices.Clone(schools)
		slices.SortFunc(near, func(a, b school) int {
			da := walknet.StraightLine(h, walknet.Point{Lat: a.lat, Lon: a.lon})
			db := walknet.StraightLine(h, walknet.Point{Lat: b.lat, Lon: b.lon})
			switch {
			case da < db:
				return -1
			case da > db:
				return 1
			}
			return 0
		})
		choices := []string{near[0].code, near[1].code, near[2].code}
		if rng.IntN(4) == 0 { // some prefer their second-nearest school
			choices[0], choices[1] = choices[1], choices[0]
		}
		if rng.IntN(5) == 0 { // Hagaskolan is popular
			if k := slices.Index(choices, "92000207"); k != 0 {
				if k > 0 {
					choices = slices.Delete(choices, k, k+1)
				}
				choices = append([]string{"92000207"}, choices...)[:3]
			}
		}
		sib := ""
		if rng.IntN(8) == 0 {
			sib = choices[0]
		}
		_ = w.Write([]string{fmt.Sprintf("A%04d", i+1), "0", strconv.FormatFloat(h.Lat, 'f', 6, 64),
			strconv.FormatFloat(h.Lon, 'f', 6, 64), choices[0] + ";" + choices[1] + ";" + choices[2], sib})
	}
	w.Flush()
	id, err := plround.Create(ctx, tx, plround.Draft{Name: PlacementRoundName, Years: "0", RulesTOML: plround.DefaultRulesTOML(),
		NetworkID: strconv.FormatInt(nid, 10), SchoolsSource: plround.SourceUnits, ApplicantsCSV: b.String()})
	if err != nil {
		return fmt.Errorf("demo placement round: %w", err)
	}
	if _, err := plround.Offline(nil).RunNow(ctx, tx, id, plround.KindMain, nil); err != nil {
		return fmt.Errorf("demo placement run: %w", err)
	}
	return nil
}
