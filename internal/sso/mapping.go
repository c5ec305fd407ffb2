package sso

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/styrkedjan/styrkedjan/internal/auth"
)

// Mapping turns the identity provider's group claims into a role, units
// and complaint categories. It is a file the operator keeps beside the
// provider's client settings (--oidc-groups), not a table: the group
// names belong to the identity provider, they are set up together with
// the client registration, the same file holds for every server on one
// database, and it goes through the organisation's change control. The
// result is visible on each person's page; a person's role and units are
// set anew from their groups at every sign-in.
//
//	claim = "groups"            # the claim holding the groups (default "groups")
//
//	[[rule]]
//	group = "sg-styrkedjan-forvaltning"
//	role  = "officer"
//
//	[[rule]]
//	group = "sg-rektor-ekbacka"
//	role  = "principal"
//	units = ["EKB"]             # unit codes
//
//	[[rule]]
//	group      = "sg-maltid"
//	role       = "specialist"
//	categories = ["meals"]
//	title      = "Måltidschef"
//
// The first rule (in file order) whose group the person has decides the
// role; every matching rule of that role adds its units and categories.
// A person with no matching group is refused.
type Mapping struct {
	Claim string `toml:"claim"`
	Rules []Rule `toml:"rule"`
}

// Rule maps one group.
type Rule struct {
	Group      string   `toml:"group"`
	Role       string   `toml:"role"`
	Units      []string `toml:"units"`
	Categories []string `toml:"categories"`
	Title      string   `toml:"title"`
}

// Grant is what a person's groups give them.
type Grant struct {
	Role       auth.Role
	UnitCodes  []string
	Categories []string
	Title      string
}

// LoadMapping reads and checks a mapping file.
func LoadMapping(path string) (*Mapping, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseMapping(string(b))
}

// ParseMapping reads and checks a mapping.
func ParseMapping(text string) (*Mapping, error) {
	var m Mapping
	md, err := toml.Decode(text, &m)
	if err != nil {
		return nil, fmt.Errorf("group mapping: %w", err)
	}
	if extra := md.Undecoded(); len(extra) > 0 {
		return nil, fmt.Errorf("group mapping: unknown key %s", extra[0])
	}
	if m.Claim == "" {
		m.Claim = "groups"
	}
	if len(m.Rules) == 0 {
		return nil, fmt.Errorf("group mapping: no [[rule]]")
	}
	for i, r := range m.Rules {
		role, ok := auth.ParseRole(r.Role)
		if !ok || strings.TrimSpace(r.Group) == "" {
			return nil, fmt.Errorf("group mapping: rule %d: want a group and a role (one of %v)", i+1, auth.Roles)
		}
		m.Rules[i].Role = string(role)
		if auth.RequiresUnits(role) && len(r.Units) == 0 {
			return nil, fmt.Errorf("group mapping: rule %d (%s): role %s needs units", i+1, r.Group, role)
		}
		if auth.RequiresCategories(role) && len(r.Categories) == 0 {
			return nil, fmt.Errorf("group mapping: rule %d (%s): role %s needs categories", i+1, r.Group, role)
		}
	}
	return &m, nil
}

// Resolve returns the grant of a person with groups, and false when no
// rule matches.
func (m *Mapping) Resolve(groups []string) (Grant, bool) {
	var g Grant
	found := false
	for _, r := range m.Rules {
		if !slices.Contains(groups, r.Group) {
			continue
		}
		if !found {
			g.Role, g.Title, found = auth.Role(r.Role), r.Title, true
		}
		if auth.Role(r.Role) != g.Role {
			continue
		}
		for _, u := range r.Units {
			if !slices.Contains(g.UnitCodes, u) {
				g.UnitCodes = append(g.UnitCodes, u)
			}
		}
		for _, c := range r.Categories {
			if !slices.Contains(g.Categories, c) {
				g.Categories = append(g.Categories, c)
			}
		}
	}
	return g, found
}
