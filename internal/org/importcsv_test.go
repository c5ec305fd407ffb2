package org_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

// adminCtx inserts an administrator and returns a context signed in as them.
func adminCtx(t *testing.T, db *store.DB) context.Context {
	t.Helper()
	ctx := context.Background()
	now := store.Now()
	var id int64
	err := db.QueryRow(ctx, `INSERT INTO users (email, name, role, created_at, updated_at)
		VALUES ('admin@exempelby.example', 'Ada Admin', 'admin', ?, ?) RETURNING id`, now, now).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return auth.WithPrincipal(ctx, &auth.Principal{UserID: id, Email: "admin@exempelby.example", Role: auth.RoleAdmin})
}

func open(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "import", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func parse(t *testing.T, ctx context.Context, db store.Q, kind org.ImportKind, file string) *org.ImportPlan {
	t.Helper()
	p, err := org.ParseImport(ctx, db, kind, open(t, file))
	if err != nil {
		t.Fatalf("ParseImport(%s): %v", file, err)
	}
	return p
}

func apply(t *testing.T, ctx context.Context, db store.Q, p *org.ImportPlan, wantCreated, wantUpdated int) {
	t.Helper()
	created, updated, err := p.Apply(ctx, db)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if created != wantCreated || updated != wantUpdated {
		t.Fatalf("Apply = %d created, %d updated; want %d, %d", created, updated, wantCreated, wantUpdated)
	}
}

func count(t *testing.T, db store.Q, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// formsText writes school forms in the import syntax.
func formsText(forms []org.UnitForm) string {
	items := make([]string, len(forms))
	for i, f := range forms {
		items[i] = f.Form
		if f.YearFrom != nil {
			items[i] += fmt.Sprintf(" %d-%d", *f.YearFrom, *f.YearTo)
		}
	}
	return strings.Join(items, "|")
}

// capacityText writes capacity in the import syntax.
func capacityText(cs []org.Capacity) string {
	items := make([]string, len(cs))
	for i, c := range cs {
		items[i] = fmt.Sprintf("%s %d=%d", c.Form, c.Year, c.Places)
	}
	return strings.Join(items, "|")
}

// rejection is a rejected row's error in a comparable form.
type rejection struct {
	Line         int
	Field, MsgID string
}

func rejections(p *org.ImportPlan) []rejection {
	var out []rejection
	for _, r := range p.Rejected {
		for _, f := range r.Errors {
			out = append(out, rejection{r.Line, f.Field, f.MsgID})
		}
	}
	return out
}

func lines[T any](rows []T, line func(T) int) []int {
	var out []int
	for _, r := range rows {
		out = append(out, line(r))
	}
	return out
}

func unitByCode(t *testing.T, db store.Q, code string) org.Unit {
	t.Helper()
	id, err := org.UnitIDByCode(context.Background(), db, code)
	if err != nil {
		t.Fatalf("unit %s: %v", code, err)
	}
	u, err := org.GetUnit(context.Background(), db, auth.AllUnits(), id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestImportUnitsExcelFile reads what Swedish Excel writes (BOM, CRLF,
// semicolons, decimal commas, a trailing empty row) and writes nothing.
func TestImportUnitsExcelFile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := adminCtx(t, db)
		norra, err := org.SaveArea(ctx, db, org.Area{Name: "Norra"})
		if err != nil {
			t.Fatal(err)
		}
		p := parse(t, ctx, db, org.ImportUnits, "units_sv.csv")
		if len(p.Rejected) != 0 {
			t.Fatalf("rejected: %+v", p.Rejected)
		}
		if p.Creates() != 3 || p.Updates() != 0 {
			t.Fatalf("creates %d, updates %d; want 3, 0", p.Creates(), p.Updates())
		}
		if got := lines(p.Units, func(r org.UnitRow) int { return r.Line }); !reflect.DeepEqual(got, []int{2, 3, 4}) {
			t.Errorf("lines %v, want [2 3 4]", got)
		}
		u := p.Units[0].Unit
		if u.Name != "Solrosens skola" || u.Code != "91000001" || u.PostalCode != "123 45" || u.Phone != "010-123 45 00" {
			t.Errorf("unit %+v", u)
		}
		if u.Lat == nil || *u.Lat != 59.8581 || u.Lon == nil || *u.Lon != 17.6447 {
			t.Errorf("coordinates %v, %v; want 59.8581, 17.6447", u.Lat, u.Lon)
		}
		if u.AreaID == nil || *u.AreaID != norra || p.Units[0].NewArea() {
			t.Errorf("area %v %q, want existing Norra (%d) matched ignoring case", u.AreaID, u.AreaName, norra)
		}
		if got := formsText(u.Forms); got != "forskoleklass 0-0|grundskola 1-6|fritidshem" {
			t.Errorf("forms %q", got)
		}
		if got := capacityText(u.Capacity); got != "forskoleklass 0=40|grundskola 1=50|grundskola 2=50|fritidshem 0=120" {
			t.Errorf("capacity %q", got)
		}
		if got := formsText(p.Units[1].Unit.Forms); got != "grundskola 7-9" {
			t.Errorf("quoted forms cell %q", got)
		}
		if !p.Units[1].NewArea() || !reflect.DeepEqual(p.NewAreas, []string{"Södra"}) {
			t.Errorf("new areas %v, want [Södra]", p.NewAreas)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM units") + count(t, db, "SELECT COUNT(*) FROM audit_log"); n != 0 {
			t.Errorf("preview wrote %d rows", n)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM areas"); n != 1 {
			t.Errorf("preview created areas: %d", n)
		}
	})
}

func TestImportUnitsCommaFile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := adminCtx(t, db)
		p := parse(t, ctx, db, org.ImportUnits, "units_en.csv")
		if len(p.Rejected) != 0 || p.Creates() != 2 {
			t.Fatalf("rejected %+v, creates %d", p.Rejected, p.Creates())
		}
		u := p.Units[0].Unit
		if got := formsText(u.Forms); got != "grundskola 1-9|anpassad_grundskola 1-9" {
			t.Errorf("forms %q (names should resolve to codes)", got)
		}
		if *u.Lat != 59.8712 || *u.Lon != 17.6089 {
			t.Errorf("coordinates %v, %v", *u.Lat, *u.Lon)
		}
		if !reflect.DeepEqual(p.NewAreas, []string{"Västra", "Norra"}) {
			t.Errorf("new areas %v", p.NewAreas)
		}
	})
}

func TestImportUnitsRejectedRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := adminCtx(t, db)
		p := parse(t, ctx, db, org.ImportUnits, "units_errors.csv")
		want := []rejection{
			{3, "Skolenhetskod", "field.unit_code"},
			{4, "Longitud", "field.csv_number"},
			{5, "Latitud", "field.lat"},
			{5, "Longitud", "field.lon"},
			{6, "Skolformer", "field.form_unknown"},
			{7, "Skolformer", "field.year_range_form"},
			{8, "Skolenhetskod", "field.csv_duplicate"},
			{9, "Kapacitet", "field.csv_capacity"},
			{10, "Namn", "field.required"},
			{13, "Kapacitet", "field.csv_capacity"},
		}
		if got := rejections(p); !reflect.DeepEqual(got, want) {
			t.Errorf("rejections\n got %v\nwant %v", got, want)
		}
		// Line 11 holds a quoted line break, so the next row starts on 13.
		if got := lines(p.Units, func(r org.UnitRow) int { return r.Line }); !reflect.DeepEqual(got, []int{2, 11}) {
			t.Errorf("valid lines %v, want [2 11]", got)
		}
		if d := p.Rejected[5].Errors[0].Data; d["Line"] != 2 {
			t.Errorf("duplicate data %v, want first line 2", d)
		}
		if d := p.Rejected[3].Errors[0].Data; d["Form"] != "gymnasium" {
			t.Errorf("unknown form data %v", d)
		}
	})
}

func TestImportPeopleRejectedRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := adminCtx(t, db)
		p := parse(t, ctx, db, org.ImportPeople, "people_errors.csv")
		want := []rejection{
			{3, "E-post", "field.email"},
			{4, "Enheter", "field.principal_units"},
			{5, "Enheter", "field.csv_unit_unknown"},
			{6, "Roll", "field.csv_role"},
			{7, "E-post", "field.csv_duplicate"},
			{8, "Kategorier", "field.csv_category_unknown"},
		}
		if got := rejections(p); !reflect.DeepEqual(got, want) {
			t.Errorf("rejections\n got %v\nwant %v", got, want)
		}
		if len(p.People) != 1 || string(p.People[0].Person.Role) != string(auth.RoleAnalyst) {
			t.Errorf("valid rows %+v", p.People)
		}
	})
}

func TestImportApplyCreatesAndUpdates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := adminCtx(t, db)
		apply(t, ctx, db, parse(t, ctx, db, org.ImportUnits, "units_sv.csv"), 3, 0)
		if got := count(t, db, "SELECT COUNT(*) FROM areas"); got != 2 {
			t.Errorf("areas %d, want Norra and Södra", got)
		}

		// The comma file updates Solrosens skola and leaves out its address.
		p := parse(t, ctx, db, org.ImportUnits, "units_en.csv")
		if !p.Units[1].Update || p.Units[1].NewArea() {
			t.Errorf("row 3 should update an existing unit in an existing area: %+v", p.Units[1])
		}
		apply(t, ctx, db, p, 1, 1)
		u := unitByCode(t, db, "91000001")
		if u.StreetAddress != "Skolvägen 1" || u.Email != "solrosen@exempelby.example" {
			t.Errorf("columns left out were changed: %+v", u)
		}
		if got := formsText(u.Forms); got != "forskoleklass 0-0|grundskola 1-9|fritidshem" {
			t.Errorf("forms %q", got)
		}
		if got := capacityText(u.Capacity); got != "forskoleklass 0=40|grundskola 1=50" {
			t.Errorf("capacity %q", got)
		}
		if u := unitByCode(t, db, "91000004"); u.AreaName != "Västra" {
			t.Errorf("new area %q", u.AreaName)
		}

		apply(t, ctx, db, parse(t, ctx, db, org.ImportPeople, "people_sv.csv"), 5, 0)
		people, err := org.ListPeople(ctx, db, auth.AllUnits(), org.PeopleFilter{Query: "rita"})
		if err != nil || len(people) != 1 {
			t.Fatalf("Rita: %v %v", people, err)
		}
		rita := people[0]
		if rita.Email != "rita.rektorsson@exempelby.example" || string(rita.Role) != string(auth.RolePrincipal) || len(rita.Units) != 2 || rita.HasPassword {
			t.Errorf("Rita %+v", rita)
		}
		people, _ = org.ListPeople(ctx, db, auth.AllUnits(), org.PeopleFilter{Role: auth.RoleSpecialist})
		if len(people) != 1 || !reflect.DeepEqual(people[0].Categories, []string{"meals", "school_transport"}) {
			t.Errorf("specialist %+v", people)
		}
		people, _ = org.ListPeople(ctx, db, auth.AllUnits(), org.PeopleFilter{Role: auth.RoleBoard})
		if len(people) != 1 || people[0].Title != "Ordförande" {
			t.Errorf("board member %+v", people)
		}

		// A second import of people matches on email, in any case.
		csv := "name,email,role,title\nRita Rektorsson,RITA.REKTORSSON@exempelby.example,rektor,Biträdande rektor\n"
		p, err = org.ParseImport(ctx, db, org.ImportPeople, strings.NewReader(csv))
		if err != nil {
			t.Fatal(err)
		}
		apply(t, ctx, db, p, 0, 1)
		again, err := org.GetPerson(ctx, db, auth.AllUnits(), rita.ID)
		if err != nil || again.Title != "Biträdande rektor" || !reflect.DeepEqual(again.Units, rita.Units) {
			t.Errorf("updated Rita %+v, %v (units should be kept)", again, err)
		}

		imports, err := audit.List(ctx, db, audit.Filter{Action: audit.Import})
		if err != nil || len(imports) != 4 {
			t.Fatalf("import audit entries %v, %v; want 4", imports, err)
		}
		if e := imports[3]; e.Entity != "units" || e.Summary != "3 created, 0 updated, 0 rejected, 2 new areas" || e.Actor != "admin@exempelby.example" {
			t.Errorf("first import entry %+v", e)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM audit_log WHERE entity = 'user' AND action IN ('create', 'update')"); n != 6 {
			t.Errorf("person audit entries %d, want 6", n)
		}
	})
}

// TestImportApplyIsAtomic changes the database between preview and apply
// so that the second of three rows fails: nothing may be written.
func TestImportApplyIsAtomic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := adminCtx(t, db)
		p := parse(t, ctx, db, org.ImportUnits, "units_sv.csv")
		taken := org.Unit{Name: "Någon annan", Code: "91000002", Active: true, Forms: []org.UnitForm{{Form: "forskola"}}}
		if err := org.SaveUnit(ctx, db, &taken); err != nil {
			t.Fatal(err)
		}
		_, _, err := p.Apply(ctx, db)
		var ae *app.Error
		if !errors.As(err, &ae) || ae.MsgID != "import.err_apply" || ae.Data["Line"] != 3 {
			t.Fatalf("Apply error %v, want import.err_apply on line 3", err)
		}
		if len(ae.Fields) != 1 || ae.Fields[0].Field != "Skolenhetskod" || ae.Fields[0].MsgID != "field.taken" {
			t.Errorf("fields %+v", ae.Fields)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM units"); n != 1 {
			t.Errorf("units %d, want only the one made before apply", n)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM areas") + count(t, db, "SELECT COUNT(*) FROM audit_log"); n != 0 {
			t.Errorf("apply left %d areas or audit entries", n)
		}
	})
}

func TestImportOwnRoleIsKept(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := adminCtx(t, db)
		csv := "namn;e-post;roll\nAda Admin;admin@exempelby.example;analytiker\nAda Admin;ADMIN@exempelby.example;admin\n"
		p, err := org.ParseImport(ctx, db, org.ImportPeople, strings.NewReader(csv))
		if err != nil {
			t.Fatal(err)
		}
		want := []rejection{{2, "roll", "field.self_lockout"}, {3, "e-post", "field.csv_duplicate"}}
		if got := rejections(p); !reflect.DeepEqual(got, want) {
			t.Errorf("rejections %v, want %v", got, want)
		}
	})
}

func TestImportFileErrors(t *testing.T) {
	cp1252, err := os.ReadFile(filepath.Join("testdata", "import", "units_cp1252.csv"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, csv, msgID string
		data             map[string]any
	}{
		{"empty", "", "import.err_empty", nil},
		{"blank lines", "\r\n;;;\r\n", "import.err_empty", nil},
		{"header only", "\ufeffnamn;skolenhetskod;skolformer\r\n", "import.err_no_rows", nil},
		{"windows-1252", string(cp1252), "import.err_encoding", nil},
		{"missing", "namn;skolformer\nA;förskola\n", "import.err_missing_columns", map[string]any{"Columns": "unit_code"}},
		{"unknown", "namn;kod;skolformer;Rektor;Elever\nA;91000001;förskola;x;y\n", "import.err_unknown_columns",
			map[string]any{"Columns": "Rektor, Elever"}},
		{"twice", "name,code,unit_code,forms\n", "import.err_header_twice", map[string]any{"Column": "unit_code"}},
		{"blank header", "name,,code,forms\n", "import.err_header_blank", map[string]any{"Column": 2}},
		{"bare quote", "namn;kod;skolformer\nA;91000001;förskola\nSkolan \"Solen\";91000002;förskola\n",
			"import.err_csv", map[string]any{"Line": 3}},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := adminCtx(t, db)
		for _, tt := range tests {
			_, err := org.ParseImport(ctx, db, org.ImportUnits, strings.NewReader(tt.csv))
			var ae *app.Error
			if !errors.As(err, &ae) || ae.Code != app.EINVALID || ae.MsgID != tt.msgID || !reflect.DeepEqual(ae.Data, tt.data) {
				t.Errorf("%s: error %#v, want %s %v", tt.name, err, tt.msgID, tt.data)
			}
		}
		_, err := org.ParseImport(ctx, db, "pupils", strings.NewReader("name\nA\n"))
		if ae := (*app.Error)(nil); !errors.As(err, &ae) || len(ae.Fields) != 1 || ae.Fields[0].Field != "kind" {
			t.Errorf("unknown kind: %v", err)
		}
	})
}

func TestImportLongRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := adminCtx(t, db)
		// Short rows read as empty cells; long rows are fine when the
		// extra cells are empty, rejected otherwise.
		csv := "namn;kod;skolformer;;\nA;91000001;förskola\nB;91000002;förskola;;\nC;91000003;förskola;;x\n"
		p, err := org.ParseImport(ctx, db, org.ImportUnits, strings.NewReader(csv))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := rejections(p), []rejection{{4, "", "field.csv_columns"}}; !reflect.DeepEqual(got, want) {
			t.Errorf("rejections %v, want %v", got, want)
		}
		if len(p.Units) != 2 {
			t.Errorf("valid rows %d, want 2", len(p.Units))
		}
	})
}
