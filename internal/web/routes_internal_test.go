package web

import (
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/auth"
)

// A route without a rule, or with a rule that names no permission, stops
// the server when its handler is built.
func TestRouteWithoutRulePanics(t *testing.T) {
	s := &Server{}
	for _, perm := range []auth.Permission{"", "cases.everything", PublicOr("nonsense")} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), "no access rule") {
					t.Errorf("permission %q: recover() = %v, want a panic naming the missing rule", perm, r)
				}
			}()
			s.guard(route{Pattern: "GET /new", Permission: perm, Kind: page, handle: s.notFound})
		}()
	}
	// Every route of the table has a rule.
	for _, rt := range s.routes() {
		if rt.Kind != raw {
			s.guard(rt)
		}
	}
}
