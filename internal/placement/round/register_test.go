package round_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/placement"
	"github.com/styrkedjan/styrkedjan/internal/placement/geo"
	"github.com/styrkedjan/styrkedjan/internal/placement/register"
	"github.com/styrkedjan/styrkedjan/internal/placement/round"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

var guardianKey = []byte("0123456789abcdef0123456789abcdef")

// pin completes eleven digits with a valid check digit.
func pin(s string) string {
	for d := range 10 {
		if p := s + fmt.Sprint(d); register.ValidPIN(p) {
			return p
		}
	}
	panic(s)
}

// monacoRound stores the real Monaco extract as a network and a round on
// it with two schools at addressed buildings.
func monacoRound(t *testing.T, db *store.DB) int64 {
	t.Helper()
	data, err := os.ReadFile("../walknet/testdata/monaco.osm.pbf")
	if err != nil {
		t.Fatal(err)
	}
	nid, err := round.SaveNetwork(system(), db, "monaco.osm.pbf", data)
	if err != nil {
		t.Fatal(err)
	}
	schools := "school_id,name,lat,lon,year,capacity\nA,École du Gabian,43.7294975,7.4148842,0,2\nB,École des Papalins,43.7291884,7.4172013,0,2\n"
	id, err := round.Create(system(), db, round.Draft{Name: "Monaco F 2027", Years: "0", RulesTOML: round.DefaultRulesTOML(),
		NetworkID: fmt.Sprint(nid), SchoolsSource: round.SourceFile, SchoolsCSV: schools,
		ApplicantsCSV: "applicant_id,year,lat,lon,choices,siblings\nx,0,43.73,7.42,A,\n"})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// The register extract imported on real data: a home geocoded from the
// Monaco extract's addr:* tags, one given in SWEREF 99 TM, one matching no
// address and one far outside the area (both listed, not guessed), an
// older sibling found by a shared guardian and two children at one
// address; personal numbers kept only as digests; re-importing changes
// nothing an officer set.
func TestImportRegisterMonaco(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := system()
		id := monacoRound(t, db)
		mother, father, child := pin("19850101234"), pin("19860202345"), pin("20210303456")
		n, e := geo.ToSweref(43.7305, 7.4190)
		extract := "child_id;name;year;address;postal_code;city;current_school;n;e;lat;lon;guardian1_name;guardian1_email;guardian1_pin;guardian1_language;guardian2_name;guardian2_pin;guardian2_custody\n" +
			child + ";Alva Rossi;0;Quai Antoine 1er 6;98000;Monaco;;;;;;Maria Rossi;maria@example.mc;" + mother + ";sv;Luca Rossi;" + father + ";ja\n" +
			"k-sweref;Noor Ali;0;Rue du Gabian 11;98000;Monaco;;" + fmt.Sprintf("%.3f;%.3f", n, e) + ";;;Sara Ali;;;ar;;;\n" +
			"k-twin;Omar Ali;0;rue du gabian  11;98000;Monaco;;;;;;Sara Ali;;;ar;;;\n" +
			"k-nowhere;Liam Ek;0;Storgatan 1;12345;Ort;;;;;;Eva Ek;eva@example.se;;en;;;\n" +
			"k-far;Ella Berg;0;Väg 2;12345;Ort;;;;59.3293;18.0686;Per Berg;;;sv;;;\n" +
			"k-older;Leo Rossi;3;Quai Antoine 1er 6;98000;Monaco;École du Gabian;;;;;Maria Rossi;;" + mother + ";sv;;;\n"
		cs, err := round.ParseRegister(ctx, db, id, extract)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := round.ImportRegister(ctx, db, id, cs, guardianKey)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Added != 6 || rep.Geocoded != 3 || rep.NotLocated != 1 || rep.OutsideArea != 1 || rep.Guardians != 7 {
			t.Errorf("report %+v", rep)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM placement_guardians WHERE pin_mac = ? OR pin_mac = ?", mother, father); n != 0 {
			t.Error("a personal number stored as it is")
		}
		if n := count(t, db, "SELECT COUNT(*) FROM placement_children WHERE child_key = ?", child); n != 0 {
			t.Error("a child's personal number used as its key")
		}
		if n := count(t, db, "SELECT COUNT(*) FROM audit_log WHERE entity = 'placement_register' AND action = 'import'"); n != 1 {
			t.Errorf("%d import audit rows", n)
		}
		kids, err := round.RegisterChildren(ctx, db, id)
		if err != nil {
			t.Fatal(err)
		}
		by := map[string]*round.RegisterChild{}
		for i := range kids {
			by[kids[i].Name] = &kids[i]
		}
		alva := by["Alva Rossi"]
		if alva.LocatedBy != round.LocatedGeocoded || !alva.Located() || len(alva.Guardians) != 2 || !alva.Guardians[0].Identified {
			t.Errorf("Alva: %+v", alva)
		}
		if k := by["Noor Ali"]; k.LocatedBy != round.LocatedSweref || *k.Lat-43.7305 > 1e-7 {
			t.Errorf("Noor: %+v", k)
		}
		if k := by["Liam Ek"]; k.Located() || k.LocateProblem != "no_match" {
			t.Errorf("Liam: %+v", k)
		}
		if k := by["Ella Berg"]; k.Located() || k.LocateProblem != round.ProblemOutsideArea {
			t.Errorf("Ella: %+v", k)
		}

		r, err := round.Get(ctx, db, id)
		if err != nil {
			t.Fatal(err)
		}
		schools, _ := r.Schools()
		rules := placement.DefaultRules()
		links := round.Siblings(kids, r.Years, schools, rules)
		sib := map[string]round.SiblingLink{}
		for _, l := range links {
			sib[l.Child.Name] = l
		}
		if l := sib["Alva Rossi"]; len(l.Siblings) != 1 || l.Siblings[0].Child.Name != "Leo Rossi" || !l.Siblings[0].ByGuardian || !slices.Equal(l.Schools, []string{"A"}) {
			t.Errorf("Alva's siblings: %+v", l)
		}
		if l := sib["Noor Ali"]; len(l.Siblings) != 1 || !l.Siblings[0].ByAddress || l.Siblings[0].ByGuardian {
			t.Errorf("Noor's siblings: %+v", l)
		}
		if _, ok := sib["Leo Rossi"]; ok {
			t.Error("the older sibling is listed as a child to place")
		}

		// Not located homes stop the run's applicants, naming the children.
		_, err = round.RegisterApplicants(ctx, db, r, schools, rules)
		var ae *app.Error
		if !errors.As(err, &ae) {
			t.Fatalf("unlocated homes: %v", err)
		}
		cat, err := i18n.Load()
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range ae.Fields {
			id, _ := f.Data["MsgID"].(string)
			args, _ := f.Data["MsgArgs"].(map[string]any)
			got = append(got, id)
			if en := cat.For("en").T(id, args); en != f.Data["Msg"] {
				t.Errorf("%s in English: %q, the code says %q", id, en, f.Data["Msg"])
			}
			if sv := cat.For("sv").T(id, args); !strings.Contains(sv, args["Name"].(string)) || sv == f.Data["Msg"] {
				t.Errorf("%s in Swedish: %q", id, sv)
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, []string{"placement.register.home_no_match", "placement.register.home_outside_area"}) {
			t.Errorf("problems %v", got)
		}
		if err := round.SetHome(ctx, db, id, by["Ella Berg"].ID, 59.3293, 18.0686); err == nil {
			t.Error("a home outside the area set by hand")
		}
		// Liam's home by hand, out in the harbour's water: far from any way.
		if err := round.SetHome(ctx, db, id, by["Liam Ek"].ID, 43.7270, 7.4330); err != nil {
			t.Fatal(err)
		}
		if err := round.SetHome(ctx, db, id, by["Ella Berg"].ID, 43.7320, 7.4210); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(context.Background(), `INSERT INTO placement_applications (child_id, choices, status, submitted_at, updated_at)
			VALUES (?, 'B,A', 'agreed', ?, ?)`, alva.ID, store.Now(), store.Now()); err != nil {
			t.Fatal(err)
		}
		apps, err := round.RegisterApplicants(ctx, db, r, schools, rules)
		if err != nil {
			t.Fatal(err)
		}
		if len(apps) != 5 {
			t.Fatalf("%d applicants", len(apps))
		}
		for _, a := range apps {
			if a.ID == alva.Key && (!slices.Equal(a.Choices, []string{"B", "A"}) || !slices.Equal(a.Siblings, []string{"A"})) {
				t.Errorf("Alva as applicant: %+v", a)
			}
			if a.ID != alva.Key && len(a.Choices) != 0 {
				t.Errorf("%s has choices without an application: %v", a.ID, a.Choices)
			}
		}
		if n := count(t, db, "SELECT COUNT(*) FROM placement_children WHERE flags LIKE '%no_application%'"); n != 4 {
			t.Errorf("%d children flagged without application, want 4", n)
		}

		// The run takes its applicants from the register.
		svc := round.Offline(nil)
		runID, err := svc.RunNow(ctx, db, id, round.KindMain, nil)
		if err != nil {
			t.Fatal(err)
		}
		ds, err := round.Decisions(ctx, db, id, runID)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, d := range ds {
			ids = append(ids, d.ApplicantID)
		}
		slices.Sort(ids)
		want := []string{"k-far", "k-nowhere", "k-sweref", "k-twin", alva.Key}
		slices.Sort(want)
		if !slices.Equal(ids, want) {
			t.Errorf("run placed %v, want %v", ids, want)
		}
		// The far home is placed, its access counted and flagged.
		var access float64
		var flags string
		if err := db.QueryRow(context.Background(), "SELECT access_m, flags FROM placement_children WHERE child_key = 'k-nowhere'").Scan(&access, &flags); err != nil {
			t.Fatal(err)
		}
		if access < 500 || !strings.Contains(flags, round.FlagFarFromWay) {
			t.Errorf("far home: access %v, flags %q", access, flags)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM placement_children WHERE access_m IS NOT NULL"); n != 1 {
			t.Errorf("%d homes with access", n)
		}

		// Importing the same extract again: nothing new, the officer's
		// position for the same address kept, the extract's own position
		// (outside the area) marked again.
		cs, _ = round.ParseRegister(ctx, db, id, extract)
		rep, err = round.ImportRegister(ctx, db, id, cs, guardianKey)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Added != 0 || rep.Updated != 6 || rep.Removed != 0 || rep.NotLocated != 0 || rep.OutsideArea != 1 {
			t.Errorf("second import %+v", rep)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM placement_guardians"); n != 7 {
			t.Errorf("%d guardians after the second import", n)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM placement_children WHERE located_by = 'officer'"); n != 1 {
			t.Errorf("%d officer positions kept", n)
		}
		// A shorter extract removes children without application, keeps
		// and flags one with.
		short := strings.Join(strings.Split(extract, "\n")[:2], "\n") + "\n"
		cs, err = round.ParseRegister(ctx, db, id, short)
		if err != nil {
			t.Fatal(err)
		}
		rep, err = round.ImportRegister(ctx, db, id, cs, guardianKey)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Removed != 5 || rep.Kept != 0 {
			t.Errorf("short import %+v", rep)
		}
		// Without the guardian key personal numbers cannot be kept.
		if _, err := round.ImportRegister(ctx, db, id, cs, nil); err == nil {
			t.Error("imported personal numbers without a key")
		}
	})
}
