package round

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/placement"
	"github.com/styrkedjan/styrkedjan/internal/placement/batch"
	"github.com/styrkedjan/styrkedjan/internal/placement/walknet"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// HasRegister reports whether the round has a register: then its runs take
// their applicants from it (RegisterApplicants), not from applicants_csv.
func HasRegister(ctx context.Context, q store.Q, roundID int64) (bool, error) {
	var n int
	err := q.QueryRow(ctx, "SELECT COUNT(*) FROM placement_children WHERE round_id = ?", roundID).Scan(&n)
	return n > 0, err
}

// runInputs are the inputs a run reads: the stored rules and schools, and
// the applicants from the register when the round has one, else from
// applicants_csv.
func (r *Round) runInputs(ctx context.Context, q store.Q) ([]batch.School, []batch.Applicant, placement.Rules, error) {
	has, err := HasRegister(ctx, q, r.ID)
	if err != nil || !has {
		if err != nil {
			return nil, nil, placement.Rules{}, err
		}
		return r.Inputs()
	}
	rules, err := batch.ReadRules(strings.NewReader(r.RulesTOML), RulesFile)
	if err != nil {
		return nil, nil, rules, err
	}
	schools, err := r.Schools()
	if err != nil {
		return nil, nil, rules, err
	}
	apps, err := RegisterApplicants(ctx, q, r, schools, rules)
	return schools, apps, rules, err
}

// A SiblingLink is a child of the round with the register's other children
// found to be its siblings.
type SiblingLink struct {
	Child    *RegisterChild
	Siblings []Sibling
	// Schools are the round's schools a sibling attends (the siblings'
	// current schools matched by school ID or name).
	Schools []string
	// Applies: the rules give sibling priority in the child's year group.
	Applies bool
}

// A Sibling is another child sharing a guardian or the home address.
type Sibling struct {
	Child *RegisterChild
	// ByGuardian: they share a guardian (the same personal number);
	// ByAddress: they are registered at the same address.
	ByGuardian, ByAddress bool
}

// Siblings finds, for each child of the round's year groups, the other
// children of the register who share a guardian (by pin_mac) or the home
// address (street address and postal code, compared without regard to case
// and spacing), and the round's schools they attend. Children without any
// are left out.
func Siblings(children []RegisterChild, years []int, schools []batch.School, rules placement.Rules) []SiblingLink {
	schoolOf := func(name string) string {
		n := walknet.NormalizeStreet(name)
		if n == "" {
			return ""
		}
		for _, s := range schools {
			if strings.EqualFold(s.ID, name) || walknet.NormalizeStreet(s.Name) == n {
				return s.ID
			}
		}
		return ""
	}
	addr := func(c *RegisterChild) string {
		if c.Address == "" {
			return ""
		}
		return walknet.NormalizeStreet(c.Address) + "|" + strings.ReplaceAll(c.PostalCode, " ", "")
	}
	byMAC := map[string][]int{}
	byAddr := map[string][]int{}
	for i := range children {
		for _, g := range children[i].Guardians {
			if g.pinMAC != "" {
				byMAC[g.pinMAC] = append(byMAC[g.pinMAC], i)
			}
		}
		if a := addr(&children[i]); a != "" {
			byAddr[a] = append(byAddr[a], i)
		}
	}
	applies := func(year int) bool {
		if !slices.Contains(rules.Criteria, placement.Sibling) {
			return false
		}
		return len(rules.SiblingYears) == 0 || slices.Contains(rules.SiblingYears, year)
	}
	var out []SiblingLink
	for i := range children {
		c := &children[i]
		if !slices.Contains(years, c.Year) {
			continue
		}
		found := map[int]*Sibling{}
		var order []int
		mark := func(j int, guardian bool) {
			if j == i {
				return
			}
			s, ok := found[j]
			if !ok {
				s = &Sibling{Child: &children[j]}
				found[j] = s
				order = append(order, j)
			}
			if guardian {
				s.ByGuardian = true
			} else {
				s.ByAddress = true
			}
		}
		for _, g := range c.Guardians {
			if g.pinMAC != "" {
				for _, j := range byMAC[g.pinMAC] {
					mark(j, true)
				}
			}
		}
		if a := addr(c); a != "" {
			for _, j := range byAddr[a] {
				mark(j, false)
			}
		}
		if len(order) == 0 {
			continue
		}
		slices.Sort(order)
		l := SiblingLink{Child: c, Applies: applies(c.Year)}
		for _, j := range order {
			l.Siblings = append(l.Siblings, *found[j])
			if id := schoolOf(children[j].School); id != "" && !slices.Contains(l.Schools, id) {
				l.Schools = append(l.Schools, id)
			}
		}
		out = append(out, l)
	}
	return out
}

// RegisterApplicants builds the engine's applicants from the round's
// register: every child of the round's year groups (ID = child_key), at
// its home, with the choices of its agreed application and the schools its
// siblings attend. A child without an agreed application gets no choices
// (the near-home rule places it) and is flagged FlagNoApplication. A child
// whose home is not located, or outside the area, stops the run: the
// error lists them for an officer to fix.
func RegisterApplicants(ctx context.Context, q store.Q, r *Round, schools []batch.School, rules placement.Rules) ([]batch.Applicant, error) {
	children, err := registerChildren(ctx, q, r.ID)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, s := range schools {
		known[s.ID] = true
	}
	sibs := map[int64][]string{}
	for _, l := range Siblings(children, r.Years, schools, rules) {
		sibs[l.Child.ID] = l.Schools
	}
	var v app.Validation
	var out []batch.Applicant
	var flag, unflag []int64
	bad := 0
	for i := range children {
		c := &children[i]
		if !slices.Contains(r.Years, c.Year) {
			continue
		}
		if !c.Located() {
			if bad < batch.MaxErrors {
				addLineError(&v, "register", notLocated(c))
			}
			bad++
			continue
		}
		a := batch.Applicant{ID: c.Key, Year: c.Year, Lat: *c.Lat, Lon: *c.Lon, Siblings: sibs[c.ID], File: RegisterFile}
		if c.ApplicationStatus == "agreed" {
			for _, s := range c.Choices {
				if known[s] && !slices.Contains(a.Choices, s) {
					a.Choices = append(a.Choices, s)
				}
			}
		}
		if len(a.Choices) == 0 {
			if !slices.Contains(c.Flags, FlagNoApplication) {
				flag = append(flag, c.ID)
			}
		} else if slices.Contains(c.Flags, FlagNoApplication) {
			unflag = append(unflag, c.ID)
		}
		out = append(out, a)
	}
	if bad > batch.MaxErrors {
		v.Add("register", "placementweb.err.more", map[string]any{"Count": bad - batch.MaxErrors})
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		v.Add("register", "placementweb.err.no_applicants")
		return nil, v.Err()
	}
	byID := map[int64]*RegisterChild{}
	for i := range children {
		byID[children[i].ID] = &children[i]
	}
	for _, id := range flag {
		if _, err := q.Exec(ctx, "UPDATE placement_children SET flags = ? WHERE id = ?", withFlag(strings.Join(byID[id].Flags, ","), FlagNoApplication), id); err != nil {
			return nil, err
		}
	}
	for _, id := range unflag {
		if _, err := q.Exec(ctx, "UPDATE placement_children SET flags = ? WHERE id = ?", withoutFlag(strings.Join(byID[id].Flags, ","), FlagNoApplication), id); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// recordAccess keeps, for the register's children, how far a home lies
// from the nearest walkable way when the run counted that stretch
// (batch.Output.Access), flagged FlagFarFromWay for an officer; the others
// lose the flag.
func recordAccess(ctx context.Context, tx *store.Tx, roundID int64, access map[string]float64) error {
	rows, err := tx.Query(ctx, "SELECT id, child_key, flags FROM placement_children WHERE round_id = ?", roundID)
	if err != nil {
		return err
	}
	type row struct {
		id         int64
		key, flags string
	}
	var rs []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.key, &r.flags); err != nil {
			rows.Close()
			return store.Normalize(err)
		}
		rs = append(rs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return store.Normalize(err)
	}
	for _, r := range rs {
		m, far := access[r.key]
		var am *float64
		flags := withoutFlag(r.flags, FlagFarFromWay)
		if far {
			am, flags = &m, withFlag(r.flags, FlagFarFromWay)
		}
		if _, err := tx.Exec(ctx, "UPDATE placement_children SET access_m = ?, flags = ? WHERE id = ?", am, flags, r.id); err != nil {
			return err
		}
	}
	return nil
}

// notLocated says why a child's home cannot be used, for the officer.
func notLocated(c *RegisterChild) *batch.LineError {
	le := &batch.LineError{File: RegisterFile, Field: c.Key, Args: map[string]any{"Name": c.Name}}
	switch c.LocateProblem {
	case walknet.NoMatch:
		le.ID, le.Msg = "placement.register.home_no_match", fmt.Sprintf("%s: the address matches no place in the map data; set the home by hand", c.Name)
	case walknet.Several:
		le.ID, le.Msg = "placement.register.home_several", fmt.Sprintf("%s: the address matches several places in the map data; set the home by hand", c.Name)
	case walknet.NoNumber:
		le.ID, le.Msg = "placement.register.home_no_number", fmt.Sprintf("%s: the address has no house number; set the home by hand", c.Name)
	case ProblemOutsideArea:
		le.ID, le.Msg = "placement.register.home_outside_area", fmt.Sprintf("%s: the home lies outside the round's area; correct it", c.Name)
	default:
		le.ID, le.Msg = "placement.register.home_not_located", fmt.Sprintf("%s: the home has no position; set it by hand", c.Name)
	}
	return le
}
