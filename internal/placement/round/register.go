package round

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/placement/batch"
	"github.com/styrkedjan/styrkedjan/internal/placement/register"
	"github.com/styrkedjan/styrkedjan/internal/placement/walknet"
	"github.com/styrkedjan/styrkedjan/internal/sso"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// RegisterFile names the population-register extract in line errors.
const RegisterFile = "register.csv"

// How a child's home was located (placement_children.located_by).
const (
	LocatedWGS84    = register.LocatedWGS84
	LocatedSweref   = register.LocatedSweref
	LocatedGeocoded = "geocoded"
	LocatedOfficer  = "officer"
)

// Why a child's home is not located (placement_children.locate_problem):
// the geocoder's outcomes (walknet.NoMatch, walknet.Several,
// walknet.NoNumber) and a position outside the round's area.
const ProblemOutsideArea = "outside_area"

// Flags on a child for an officer (placement_children.flags, comma-separated).
const (
	FlagNotInRegister = "not_in_register" // gone from the latest extract but has an application
	FlagFarFromWay    = "far_from_way"    // the home is far from any walkable way (access_m)
	FlagNoApplication = "no_application"  // no agreed application: placed by the near-home rule
)

// AreaMargin is how far beyond the network's bounding box a home may lie
// and still be within the organizer's area.
const AreaMargin = 5000.0

// ParseRegister reads an extract for the round: line errors on the field
// "register", and each child's year group checked against the round's (an
// extract without a year column is of the round's only year group). A
// child of another year group with a current school is an older sibling:
// stored for sibling priority, never placed.
func ParseRegister(ctx context.Context, q store.Q, roundID int64, text string) ([]register.Child, error) {
	if err := requireOfficer(ctx); err != nil {
		return nil, err
	}
	r, err := Get(ctx, q, roundID)
	if err != nil {
		return nil, err
	}
	var v app.Validation
	switch {
	case strings.TrimSpace(text) == "":
		v.Add("register", "field.required")
		return nil, v.Err()
	case len(text) > MaxCSVBytes:
		v.Add("register", "placementweb.err.too_large", map[string]any{"MB": MaxCSVBytes >> 20})
		return nil, v.Err()
	}
	cs, err := register.Parse(strings.NewReader(text), RegisterFile)
	if err != nil {
		lineErrors(&v, "register", err)
		return nil, v.Err()
	}
	bad := 0
	for i := range cs {
		c := &cs[i]
		switch {
		case c.Year < 0 && len(r.Years) == 1:
			c.Year = r.Years[0]
		case c.Year >= 0 && !slices.Contains(r.Years, c.Year) && c.CurrentSchool != "":
			// An older sibling: in the register for sibling priority, not placed.
		case c.Year < 0 || !slices.Contains(r.Years, c.Year):
			if bad < batch.MaxErrors {
				addLineError(&v, "register", &batch.LineError{File: RegisterFile, Line: c.Line, Field: "year",
					Msg: fmt.Sprintf("%d is not a year group of this round (%s)", c.Year, formatYears(r.Years)),
					ID:  "placement.input.year_not_in_round", Args: map[string]any{"Year": c.Year, "Years": formatYears(r.Years)}})
			}
			bad++
		}
	}
	return cs, v.Err()
}

// ChildKey is the key a child is stored and placed under: the extract's
// key, or for a personal identity number a digest of it under the guardian
// key (the same on every import, never the number).
func ChildKey(c register.Child, key []byte) string {
	if c.PIN == "" {
		return c.Key
	}
	return "p-" + sso.PinMAC(key, "child:"+c.PIN)[:16]
}

// An ImportReport says what an import changed.
type ImportReport struct {
	Children, Added, Updated, Removed int
	Kept                              int // gone from the extract, kept for their application (FlagNotInRegister)
	Guardians                         int
	Geocoded                          int
	NotLocated                        int // no position: an officer must set one
	OutsideArea                       int
}

// ImportRegister stores the children of an extract (from ParseRegister)
// as the round's register: children are matched by ChildKey and updated,
// new ones added; a child gone from the extract is removed unless it has an
// application (then flagged FlagNotInRegister). Guardians are matched by
// pin_mac, else by name. Personal identity numbers are kept only as
// sso.PinMAC under key. Homes without coordinates are geocoded from the
// addr:* tags of the round's network, or keep an officer's or an earlier
// geocoded position for the same address; the others get a locate_problem.
// A position beyond the network's area (plus AreaMargin) is kept but marked
// ProblemOutsideArea. One transaction, audited.
func ImportRegister(ctx context.Context, q store.Q, roundID int64, cs []register.Child, key []byte) (*ImportReport, error) {
	if err := requireOfficer(ctx); err != nil {
		return nil, err
	}
	for _, c := range cs {
		pins := c.PIN != ""
		for _, g := range c.Guardians {
			pins = pins || g.PIN != ""
		}
		if pins && len(key) < sso.MinGuardianKey {
			var v app.Validation
			v.Add("register", "placementweb.register.no_key")
			return nil, v.Err()
		}
	}
	r, err := Get(ctx, q, roundID)
	if err != nil {
		return nil, err
	}
	gaz, lo, hi, err := networkAddresses(ctx, q, r.NetworkID)
	if err != nil {
		return nil, err
	}
	rep := &ImportReport{Children: len(cs)}
	err = store.InTx(ctx, q, func(tx *store.Tx) error {
		type old struct {
			id              int64
			address, postal string
			by              string
			lat, lon        *float64
			flags           string
			hasApp          bool
		}
		existing := map[string]*old{}
		rows, err := tx.Query(ctx, `SELECT c.id, c.child_key, c.address, c.postal_code, c.located_by, c.lat, c.lon, c.flags,
			(SELECT COUNT(*) FROM placement_applications a WHERE a.child_id = c.id)
			FROM placement_children c WHERE c.round_id = ?`, roundID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var o old
			var k string
			var apps int
			if err := rows.Scan(&o.id, &k, &o.address, &o.postal, &o.by, &o.lat, &o.lon, &o.flags, &apps); err != nil {
				rows.Close()
				return store.Normalize(err)
			}
			o.hasApp = apps > 0
			existing[k] = &o
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return store.Normalize(err)
		}
		now := store.Now()
		seen := map[string]bool{}
		for _, c := range cs {
			k := ChildKey(c, key)
			seen[k] = true
			var lat, lon *float64
			by, problem := "", ""
			o := existing[k]
			switch {
			case c.Located:
				lat, lon, by = &c.Lat, &c.Lon, c.LocatedBy
			case o != nil && (o.by == LocatedOfficer || o.by == LocatedGeocoded) && o.address == c.Address && o.postal == c.PostalCode && o.lat != nil:
				lat, lon, by = o.lat, o.lon, o.by
			default:
				st, p, _ := gaz.Geocode(c.Address, c.PostalCode, c.City)
				if st == walknet.Found {
					lat, lon, by = &p.Lat, &p.Lon, LocatedGeocoded
					rep.Geocoded++
				} else {
					problem = st
					rep.NotLocated++
				}
			}
			if lat != nil && outsideArea(walknet.Point{Lat: *lat, Lon: *lon}, lo, hi) {
				problem = ProblemOutsideArea
				rep.OutsideArea++
			}
			var id int64
			if o == nil {
				if err := tx.QueryRow(ctx, `INSERT INTO placement_children (round_id, child_key, name, birth_date, year, address, postal_code, city,
					current_school, lat, lon, located_by, locate_problem, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
					roundID, k, c.Name, c.BirthDate, c.Year, c.Address, c.PostalCode, c.City, c.CurrentSchool, lat, lon, by, problem, now).Scan(&id); err != nil {
					return err
				}
				rep.Added++
			} else {
				id = o.id
				if _, err := tx.Exec(ctx, `UPDATE placement_children SET name = ?, birth_date = ?, year = ?, address = ?, postal_code = ?, city = ?,
					current_school = ?, lat = ?, lon = ?, located_by = ?, locate_problem = ?, flags = ? WHERE id = ?`,
					c.Name, c.BirthDate, c.Year, c.Address, c.PostalCode, c.City, c.CurrentSchool, lat, lon, by, problem,
					withoutFlag(o.flags, FlagNotInRegister), id); err != nil {
					return err
				}
				rep.Updated++
			}
			n, err := importGuardians(ctx, tx, id, c.Guardians, key, now)
			if err != nil {
				return err
			}
			rep.Guardians += n
		}
		for k, o := range existing {
			switch {
			case seen[k]:
			case o.hasApp:
				if _, err := tx.Exec(ctx, "UPDATE placement_children SET flags = ? WHERE id = ?", withFlag(o.flags, FlagNotInRegister), o.id); err != nil {
					return err
				}
				rep.Kept++
			default:
				if _, err := tx.Exec(ctx, "DELETE FROM placement_children WHERE id = ?", o.id); err != nil {
					return err
				}
				rep.Removed++
			}
		}
		return audit.Log(ctx, tx, audit.Import, "placement_register", strconv.FormatInt(roundID, 10),
			fmt.Sprintf("%d children (%d added, %d updated, %d removed, %d kept), %d guardians, %d geocoded, %d not located",
				rep.Children, rep.Added, rep.Updated, rep.Removed, rep.Kept, rep.Guardians, rep.Geocoded, rep.NotLocated))
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// importGuardians makes the child's guardians those of gs: matched by
// pin_mac where both have one, else by name; the unmatched removed.
func importGuardians(ctx context.Context, tx *store.Tx, childID int64, gs []register.Guardian, key []byte, now any) (int, error) {
	type old struct {
		id        int64
		name, mac string
		used      bool
	}
	var olds []*old
	rows, err := tx.Query(ctx, "SELECT id, name, pin_mac FROM placement_guardians WHERE child_id = ? ORDER BY id", childID)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var o old
		if err := rows.Scan(&o.id, &o.name, &o.mac); err != nil {
			rows.Close()
			return 0, store.Normalize(err)
		}
		olds = append(olds, &o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, store.Normalize(err)
	}
	for _, g := range gs {
		mac := ""
		if g.PIN != "" {
			mac = sso.PinMAC(key, g.PIN)
		}
		var match *old
		for _, o := range olds {
			if !o.used && mac != "" && o.mac == mac {
				match = o
				break
			}
		}
		if match == nil {
			for _, o := range olds {
				if !o.used && strings.EqualFold(o.name, g.Name) && (mac == "" || o.mac == "" || o.mac == mac) {
					match = o
					break
				}
			}
		}
		if match == nil {
			if _, err := tx.Exec(ctx, `INSERT INTO placement_guardians (child_id, name, email, phone, address, language, custody, pin_mac, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, childID, g.Name, g.Email, g.Phone, g.Address, g.Language, g.Custody, mac, now); err != nil {
				return 0, err
			}
			continue
		}
		match.used = true
		if _, err := tx.Exec(ctx, `UPDATE placement_guardians SET name = ?, email = ?, phone = ?, address = ?, language = ?, custody = ?, pin_mac = ?
			WHERE id = ?`, g.Name, g.Email, g.Phone, g.Address, g.Language, g.Custody, mac, match.id); err != nil {
			return 0, err
		}
	}
	for _, o := range olds {
		if !o.used {
			if _, err := tx.Exec(ctx, "DELETE FROM placement_guardians WHERE id = ?", o.id); err != nil {
				return 0, err
			}
		}
	}
	return len(gs), nil
}

// networkAddresses reads the addressed places and the area of a stored
// network.
func networkAddresses(ctx context.Context, q store.Q, networkID int64) (*walknet.Gazetteer, walknet.Point, walknet.Point, error) {
	var data []byte
	var format string
	var none walknet.Point
	if err := q.QueryRow(ctx, "SELECT format, data FROM placement_networks WHERE id = ?", networkID).Scan(&format, &data); err != nil {
		return nil, none, none, store.Normalize(err)
	}
	as, lo, hi, err := walknet.ReadAddresses(ctx, bytes.NewReader(data), formatOf(format), walknet.ReadOptions{MaxInflated: MaxNetworkXML, MaxPBFData: MaxNetworkPBFData})
	if err != nil {
		return nil, none, none, err
	}
	return walknet.NewGazetteer(as), lo, hi, nil
}

// outsideArea reports whether p lies beyond the box lo–hi widened by
// AreaMargin metres.
func outsideArea(p, lo, hi walknet.Point) bool {
	dLat := AreaMargin / 111320
	dLon := AreaMargin / (111320 * math.Cos(p.Lat*math.Pi/180))
	return p.Lat < lo.Lat-dLat || p.Lat > hi.Lat+dLat || p.Lon < lo.Lon-dLon || p.Lon > hi.Lon+dLon
}

func splitFlags(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func withFlag(s, f string) string {
	fs := splitFlags(s)
	if !slices.Contains(fs, f) {
		fs = append(fs, f)
	}
	slices.Sort(fs)
	return strings.Join(fs, ",")
}

func withoutFlag(s, f string) string {
	fs := slices.DeleteFunc(splitFlags(s), func(x string) bool { return x == f })
	return strings.Join(fs, ",")
}

// SetHome sets a child's home by hand (located_by 'officer'), for an
// address the geocoder could not place or a position to correct. A
// position outside the round's area is refused. Audited.
func SetHome(ctx context.Context, q store.Q, roundID, childID int64, lat, lon float64) error {
	if err := requireOfficer(ctx); err != nil {
		return err
	}
	r, err := Get(ctx, q, roundID)
	if err != nil {
		return err
	}
	var v app.Validation
	if math.IsNaN(lat) || math.IsNaN(lon) || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		v.Add("lat", "placementweb.register.bad_position")
		return v.Err()
	}
	_, lo, hi, err := networkAddresses(ctx, q, r.NetworkID)
	if err != nil {
		return err
	}
	if outsideArea(walknet.Point{Lat: lat, Lon: lon}, lo, hi) {
		v.Add("lat", "placementweb.register.outside_area")
		return v.Err()
	}
	return store.InTx(ctx, q, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE placement_children SET lat = ?, lon = ?, located_by = ?, locate_problem = '' WHERE id = ? AND round_id = ?`,
			lat, lon, LocatedOfficer, childID, roundID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return app.NotFound()
		}
		return audit.Log(ctx, tx, audit.Update, "placement_child", strconv.FormatInt(childID, 10), "home set by hand")
	})
}

// A RegisterChild is a child of the round's register with its guardians.
type RegisterChild struct {
	ID                                int64
	Key, Name, BirthDate              string
	Year                              int
	Address, PostalCode, City, School string
	Lat, Lon                          *float64
	LocatedBy, LocateProblem          string
	AccessM                           *float64
	Flags                             []string
	Guardians                         []RegisterGuardian
	Choices                           []string // the application's, when there is one
	ApplicationStatus                 string   // "" without application
}

// Located reports whether the child's home has a usable position.
func (c *RegisterChild) Located() bool { return c.Lat != nil && c.LocateProblem == "" }

// A RegisterGuardian is one of a child's guardians (no personal number).
type RegisterGuardian struct {
	ID                           int64
	Name, Email, Phone, Language string
	Custody                      bool
	Identified                   bool // a personal number is on file (as pin_mac)
	pinMAC                       string
}

// RegisterChildren lists the round's register, by name. Audited.
func RegisterChildren(ctx context.Context, q store.Q, roundID int64) ([]RegisterChild, error) {
	if err := requireOfficer(ctx); err != nil {
		return nil, err
	}
	out, err := registerChildren(ctx, q, roundID)
	if err != nil {
		return nil, err
	}
	if err := audit.Log(ctx, q, audit.Read, "placement_register", strconv.FormatInt(roundID, 10), fmt.Sprintf("%d children", len(out))); err != nil {
		return nil, err
	}
	return out, nil
}

func registerChildren(ctx context.Context, q store.Q, roundID int64) ([]RegisterChild, error) {
	rows, err := q.Query(ctx, `SELECT c.id, c.child_key, c.name, c.birth_date, c.year, c.address, c.postal_code, c.city, c.current_school,
		c.lat, c.lon, c.located_by, c.locate_problem, c.access_m, c.flags, COALESCE(a.choices, ''), COALESCE(a.status, '')
		FROM placement_children c LEFT JOIN placement_applications a ON a.child_id = c.id
		WHERE c.round_id = ? ORDER BY c.name, c.child_key`, roundID)
	if err != nil {
		return nil, err
	}
	var out []RegisterChild
	index := map[int64]int{}
	for rows.Next() {
		var c RegisterChild
		var flags, choices string
		if err := rows.Scan(&c.ID, &c.Key, &c.Name, &c.BirthDate, &c.Year, &c.Address, &c.PostalCode, &c.City, &c.School,
			&c.Lat, &c.Lon, &c.LocatedBy, &c.LocateProblem, &c.AccessM, &flags, &choices, &c.ApplicationStatus); err != nil {
			rows.Close()
			return nil, store.Normalize(err)
		}
		c.Flags = splitFlags(flags)
		if choices != "" {
			for _, s := range strings.Split(choices, ",") {
				c.Choices = append(c.Choices, strings.TrimSpace(s))
			}
		}
		index[c.ID] = len(out)
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, store.Normalize(err)
	}
	grows, err := q.Query(ctx, `SELECT g.id, g.child_id, g.name, g.email, g.phone, g.language, g.custody, g.pin_mac
		FROM placement_guardians g JOIN placement_children c ON c.id = g.child_id WHERE c.round_id = ? ORDER BY g.id`, roundID)
	if err != nil {
		return nil, err
	}
	defer grows.Close()
	for grows.Next() {
		var g RegisterGuardian
		var child int64
		if err := grows.Scan(&g.ID, &child, &g.Name, &g.Email, &g.Phone, &g.Language, &g.Custody, &g.pinMAC); err != nil {
			return nil, store.Normalize(err)
		}
		g.Identified = g.pinMAC != ""
		if i, ok := index[child]; ok {
			out[i].Guardians = append(out[i].Guardians, g)
		}
	}
	return out, store.Normalize(grows.Err())
}
