package apply_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/placement/apply"
	"github.com/styrkedjan/styrkedjan/internal/placement/batch"
	"github.com/styrkedjan/styrkedjan/internal/placement/round"
	"github.com/styrkedjan/styrkedjan/internal/placement/walknet"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

func system() context.Context { return auth.WithPrincipal(context.Background(), auth.System) }

// now is a day inside the fixture's window (2027-01-10 … 2027-01-31).
var now = civil.At(2027, time.January, 20, 12, 0)

// fixture is a round on a generated city with an application window and
// children inserted as the register import would.
type fixture struct {
	db      *store.DB
	roundID int64
	schools []batch.School
	homes   []walknet.Point
	mailer  apply.Mailer
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	city, schools, apps := batch.GenerateInputs(batch.GenOptions{
		City: walknet.CityOptions{Seed: 3, Rows: 10, Cols: 10, Bridges: 1, Schools: 4}, Applicants: 8, Years: []int{0}, Seed: 5})
	var osm bytes.Buffer
	zw := gzip.NewWriter(&osm)
	if err := city.WriteOSM(zw); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	ctx := system()
	nid, err := round.SaveNetwork(ctx, db, "city.osm.gz", osm.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	var sb, ab bytes.Buffer
	if err := batch.WriteSchools(&sb, schools); err != nil {
		t.Fatal(err)
	}
	if err := batch.WriteApplicants(&ab, apps); err != nil {
		t.Fatal(err)
	}
	id, err := round.Create(ctx, db, round.Draft{Name: "Förskoleklass HT 2027", Years: "0", RulesTOML: round.DefaultRulesTOML(),
		NetworkID: strconv.FormatInt(nid, 10), SchoolsSource: round.SourceFile, SchoolsCSV: sb.String(), ApplicantsCSV: ab.String()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, "UPDATE placement_rounds SET apply_opens = '2027-01-10', apply_closes = '2027-01-31', choices_allowed = 3 WHERE id = ?", id); err != nil {
		t.Fatal(err)
	}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, roundID: id, schools: schools, mailer: apply.Mailer{Catalog: cat, PublicURL: "https://skola.example", Organizer: "Exempelby kommun"}}
	for _, a := range apps {
		f.homes = append(f.homes, walknet.Point{Lat: a.Lat, Lon: a.Lon})
	}
	return f
}

type guardian struct {
	name, email, lang, pin string
	custody                bool
}

// child inserts a child of the round with its guardians; it returns the
// child's and the guardians' row IDs.
func (f *fixture) child(t *testing.T, key, name string, gs ...guardian) (int64, []int64) {
	t.Helper()
	ctx := context.Background()
	h := f.homes[len(key)%len(f.homes)]
	var cid int64
	if err := f.db.QueryRow(ctx, `INSERT INTO placement_children (round_id, child_key, name, year, lat, lon, located_by, created_at)
		VALUES (?, ?, ?, 0, ?, ?, 'wgs84', ?) RETURNING id`, f.roundID, key, name, h.Lat, h.Lon, store.Now()).Scan(&cid); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, g := range gs {
		var gid int64
		if err := f.db.QueryRow(ctx, `INSERT INTO placement_guardians (child_id, name, email, language, custody, pin_mac, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, cid, g.name, g.email, g.lang, g.custody, g.pin, store.Now()).Scan(&gid); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, gid)
	}
	return cid, ids
}

func who(ids ...int64) apply.Who { return apply.Who{GuardianIDs: ids, Via: "e-id"} }

func (f *fixture) ids(n int) []string {
	var out []string
	for _, s := range f.schools[:n] {
		out = append(out, s.ID)
	}
	return out
}

func status(t *testing.T, db *store.DB, childID int64) string {
	t.Helper()
	var s string
	if err := db.QueryRow(context.Background(), "SELECT status FROM placement_applications WHERE child_id = ?", childID).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func fieldMsg(err error, field string) (string, map[string]any) {
	ae, ok := err.(*app.Error)
	if !ok {
		return "", nil
	}
	for _, f := range ae.Fields {
		if f.Field == field {
			return f.MsgID, f.Data
		}
	}
	return "", nil
}

// TestJointCustody: the first custodian's application waits for the
// other; agreeing completes it, a change asks the other again, and
// disagreeing disputes it. Sole custody is agreed at once; a guardian
// without custody cannot apply.
func TestJointCustody(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		child, gs := f.child(t, "A1", "Alva Ek", guardian{"Anna Ek", "anna@example.se", "sv", "", true}, guardian{"Bo Ek", "bo@example.se", "en", "", true})
		a, err := apply.Submit(ctx, db, f.mailer, who(gs[0]), child, f.ids(3), "sv", now)
		if err != nil {
			t.Fatal(err)
		}
		if a.Status != apply.StatusWaiting || !slices.Equal(a.Choices, f.ids(3)) {
			t.Fatalf("after the first custodian: %+v", a)
		}
		if err := apply.Answer(ctx, db, f.mailer, who(gs[0]), child, true, "sv", now); app.Code(err) != app.EINVALID {
			t.Errorf("the submitter agreed with themselves: %v", err)
		}
		if err := apply.Answer(ctx, db, f.mailer, who(gs[1]), child, true, "en", now); err != nil {
			t.Fatal(err)
		}
		if s := status(t, db, child); s != apply.StatusAgreed {
			t.Errorf("after agreeing: %s", s)
		}
		// The same choices again keep the agreement; other choices ask again.
		if a, err = apply.Submit(ctx, db, f.mailer, who(gs[0]), child, f.ids(3), "sv", now); err != nil || a.Status != apply.StatusAgreed {
			t.Errorf("unchanged resubmission: %+v %v", a, err)
		}
		if a, err = apply.Submit(ctx, db, f.mailer, who(gs[0]), child, f.ids(2), "sv", now); err != nil || a.Status != apply.StatusWaiting {
			t.Errorf("changed choices: %+v %v", a, err)
		}
		if err := apply.Answer(ctx, db, f.mailer, who(gs[1]), child, false, "en", now); err != nil {
			t.Fatal(err)
		}
		if s := status(t, db, child); s != apply.StatusDisputed {
			t.Errorf("after disagreeing: %s", s)
		}

		sole, sg := f.child(t, "B22", "Bea Holm", guardian{"Cecilia Holm", "cecilia@example.se", "ar", "", true}, guardian{"Dan Holm", "dan@example.se", "sv", "", false})
		if a, err = apply.Submit(ctx, db, f.mailer, who(sg[0]), sole, f.ids(1), "ar", now); err != nil || a.Status != apply.StatusAgreed {
			t.Errorf("sole custody: %+v %v", a, err)
		}
		if _, err := apply.Submit(ctx, db, f.mailer, who(sg[1]), sole, f.ids(1), "sv", now); app.Code(err) != app.EINVALID {
			t.Errorf("a guardian without custody applied: %v", err)
		}
		// Receipts in each guardian's language: Anna's Swedish receipt,
		// Bo's English request, Cecilia's Arabic receipt.
		for _, want := range []struct{ to, subject string }{
			{"anna@example.se", "Kvitto: ansökan om skola för Alva Ek"},
			{"bo@example.se", "Do you approve the school application for Alva Ek?"},
			{"cecilia@example.se", "إيصال: طلب مدرسة لـ Bea Holm"},
		} {
			var n int
			if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM outbox WHERE to_addr = ? AND subject = ?", want.to, want.subject).Scan(&n); err != nil || n == 0 {
				t.Errorf("no mail %q to %s (%v)", want.subject, want.to, err)
			}
		}
		var audited int
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE entity = 'placement_application' AND entity_id = ?", strconv.FormatInt(child, 10)).Scan(&audited); err != nil || audited < 5 {
			t.Errorf("%d audit entries for the application (%v)", audited, err)
		}
	})
}

// TestWindow: outside the window nothing is applied or answered, with the
// date in the message.
func TestWindow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		child, gs := f.child(t, "A1", "Alva Ek", guardian{"Anna Ek", "anna@example.se", "sv", "", true})
		after := civil.At(2027, time.February, 1, 0, 5)
		_, err := apply.Submit(ctx, db, f.mailer, who(gs[0]), child, f.ids(1), "sv", after)
		if id, data := fieldMsg(err, "window"); id != "apply.err.closed" || data["Closes"] != "2027-01-31" {
			t.Errorf("after the window: %v (%s %v)", err, id, data)
		}
		before := civil.At(2027, time.January, 9, 23, 55)
		_, err = apply.Submit(ctx, db, f.mailer, who(gs[0]), child, f.ids(1), "sv", before)
		if id, data := fieldMsg(err, "window"); id != "apply.err.not_yet" || data["Opens"] != "2027-01-10" {
			t.Errorf("before the window: %v", err)
		}
		// The last day counts (civil date in Stockholm, not UTC).
		last := civil.At(2027, time.January, 31, 23, 30)
		if _, err := apply.Submit(ctx, db, f.mailer, who(gs[0]), child, f.ids(1), "sv", last); err != nil {
			t.Errorf("on the last evening: %v", err)
		}
	})
}

// TestChoices: the allowed number, offered schools, no school twice.
func TestChoices(t *testing.T) {
	offered := []string{"S001", "S002", "S003", "S004"}
	for _, c := range []struct {
		in   []string
		want string
	}{
		{[]string{"S001", "", "S003"}, ""},
		{[]string{"", ""}, "apply.err.none"},
		{[]string{"S001", "S001"}, "apply.err.twice"},
		{[]string{"S009"}, "apply.err.school"},
		{[]string{"S001", "S002", "S003", "S004"}, "apply.err.too_many"},
	} {
		_, err := apply.ValidateChoices(c.in, offered, 3)
		if id, _ := fieldMsg(err, "choices"); id != c.want {
			t.Errorf("%v: %q, want %q", c.in, id, c.want)
		}
	}
}

// TestScope: a guardian reads and applies only for their own children.
func TestScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		mine, mg := f.child(t, "A1", "Alva Ek", guardian{"Anna Ek", "anna@example.se", "sv", "mac-anna", true})
		other, _ := f.child(t, "C333", "Cilla Berg", guardian{"Eva Berg", "eva@example.se", "sv", "mac-eva", true})
		w, err := apply.ForPIN(ctx, db, "mac-anna")
		if err != nil || !slices.Equal(w.GuardianIDs, mg) {
			t.Fatalf("ForPIN: %v %v", w, err)
		}
		list, err := apply.Children(ctx, db, w, now)
		if err != nil || len(list) != 1 || list[0].ID != mine {
			t.Errorf("children: %v %v", list, err)
		}
		if _, err := apply.ChildFor(ctx, db, w, other, now); app.Code(err) != app.ENOTFOUND {
			t.Errorf("another's child: %v", err)
		}
		if _, err := apply.Submit(ctx, db, f.mailer, w, other, f.ids(1), "sv", now); app.Code(err) != app.ENOTFOUND {
			t.Errorf("applied for another's child: %v", err)
		}
		if l, _ := apply.Children(ctx, db, apply.Who{}, now); len(l) != 0 {
			t.Errorf("nobody sees %d children", len(l))
		}
		// The officer's list needs auth.RunPlacement.
		if _, err := apply.Overview(ctx, db, f.roundID, now); app.Code(err) != app.ENOTFOUND {
			t.Errorf("overview without permission: %v", err)
		}
		if _, err := apply.Submit(ctx, db, f.mailer, w, mine, f.ids(1), "sv", now); err != nil {
			t.Fatal(err)
		}
		ov, err := apply.Overview(system(), db, f.roundID, now)
		if err != nil {
			t.Fatal(err)
		}
		if ov.Count(apply.StatusAgreed) != 1 || len(ov.Without) != 1 || ov.Without[0].ID != other || ov.Children != 2 {
			t.Errorf("overview: agreed %d, without %v", ov.Count(apply.StatusAgreed), ov.Without)
		}
	})
}

var codeRE = regexp.MustCompile(`\b\d{6}\b`)

func lastCode(t *testing.T, db *store.DB, to, name string) string {
	t.Helper()
	var body string
	if err := db.QueryRow(context.Background(), "SELECT body_text FROM outbox WHERE to_addr = ? AND body_text LIKE ? ORDER BY id DESC LIMIT 1", to, "%"+name+"%").Scan(&body); err != nil {
		t.Fatalf("no code mail to %s: %v", to, err)
	}
	return codeRE.FindString(body)
}

// TestCodes: a code mailed to the address on file signs in once, within
// its lifetime and tries; an unknown address gets no mail; a code opens
// the rows of its guardian only, not another person's at the same address.
func TestCodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		_, ag := f.child(t, "A1", "Alva Ek", guardian{"Anna Ek", "family@example.se", "so", "", true}, guardian{"Bo Ek", "family@example.se", "sv", "", true})
		_, ag2 := f.child(t, "D4444", "Dag Ek", guardian{"Anna  ek", "Family@Example.se", "so", "", true})
		if err := apply.RequestCode(ctx, db, f.mailer, "nobody@example.se", now); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM outbox").Scan(&n); err != nil || n != 0 {
			t.Errorf("%d mails for an unknown address", n)
		}
		if err := apply.RequestCode(ctx, db, f.mailer, " FAMILY@example.se ", now); err != nil {
			t.Fatal(err)
		}
		var subject string
		if err := db.QueryRow(ctx, "SELECT subject FROM outbox WHERE to_addr = 'family@example.se' AND body_text LIKE '%Anna Ek%'").Scan(&subject); err != nil || subject != "Koodhkaaga lagu codsado dugsi" {
			t.Errorf("code mail subject %q (%v), want Somali", subject, err)
		}
		// Bo shares the address: his own code, in Swedish, opens his row.
		bo, err := apply.VerifyCode(ctx, db, "family@example.se", lastCode(t, db, "family@example.se", "Bo Ek"), now)
		if err != nil || bo != ag[1] {
			t.Errorf("Bo's code: %d %v", bo, err)
		}
		code := lastCode(t, db, "family@example.se", "Anna Ek")
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		if _, err := apply.VerifyCode(ctx, db, "family@example.se", wrong, now); app.Code(err) != app.EINVALID {
			t.Errorf("wrong code: %v", err)
		}
		if _, err := apply.VerifyCode(ctx, db, "family@example.se", code, now.Add(apply.CodeLifetime)); app.Code(err) != app.EINVALID {
			t.Errorf("expired code: %v", err)
		}
		gid, err := apply.VerifyCode(ctx, db, "family@example.se", code[:3]+" "+code[3:], now.Add(time.Minute))
		if err != nil {
			t.Fatalf("right code: %v", err)
		}
		if _, err := apply.VerifyCode(ctx, db, "family@example.se", code, now.Add(time.Minute)); app.Code(err) != app.EINVALID {
			t.Errorf("code used twice: %v", err)
		}
		w, err := apply.ForCode(ctx, db, gid)
		if err != nil {
			t.Fatal(err)
		}
		if want := []int64{ag[0], ag2[0]}; !slices.Equal(w.GuardianIDs, want) {
			t.Errorf("the code opens %v, want Anna's rows %v (not Bo's %d)", w.GuardianIDs, want, ag[1])
		}
		// Five wrong tries use a code up, even for the right code after.
		if err := apply.RequestCode(ctx, db, f.mailer, "family@example.se", now); err != nil {
			t.Fatal(err)
		}
		code = lastCode(t, db, "family@example.se", "Anna Ek")
		for range apply.MaxTries {
			if _, err := apply.VerifyCode(ctx, db, "family@example.se", strings.Repeat("9", 7), now); err == nil {
				t.Fatal("wrong code accepted")
			}
		}
		if _, err := apply.VerifyCode(ctx, db, "family@example.se", code, now); app.Code(err) != app.EINVALID {
			t.Errorf("right code after %d wrong tries: %v", apply.MaxTries, err)
		}
	})
}

// TestFacts: the schools offering the year with walking distances on the
// round's network (nearest first) and a map; no permission needed.
func TestFacts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		svc := round.Offline(nil)
		child, gs := f.child(t, "A1", "Alva Ek", guardian{"Anna Ek", "anna@example.se", "sv", "", true})
		c, err := apply.ChildFor(ctx, db, who(gs[0]), child, now)
		if err != nil {
			t.Fatal(err)
		}
		ch, err := apply.Facts(ctx, db, svc, c)
		if err != nil {
			t.Fatal(err)
		}
		if len(ch.Schools) != len(f.schools) {
			t.Fatalf("%d schools, want %d", len(ch.Schools), len(f.schools))
		}
		for i, s := range ch.Schools {
			if s.WalkM == nil || *s.WalkM <= 0 {
				t.Errorf("%s: no walking distance", s.ID)
			} else if i > 0 && ch.Schools[i-1].WalkM != nil && *ch.Schools[i-1].WalkM > *s.WalkM {
				t.Errorf("not nearest first at %s", s.ID)
			}
		}
		if ch.Map == nil || len(ch.Map.Schools) != len(f.schools) || ch.Map.Ways == "" || !ch.OSM {
			t.Errorf("map: %+v, OSM %v", ch.Map, ch.OSM)
		}
	})
}
