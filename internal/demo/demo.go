// Package demo loads "Exempelby kommun", a fictional organizer with about
// twenty units and one person per role, so Styrkedjan can be tried in one
// command. Every name, address and code here is invented.
package demo

import (
	"context"
	"errors"
	"fmt"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Password is the password of every demo account.
const Password = "exempelby2026"

// Account is a demo login to print for the user.
type Account struct {
	Role  auth.Role
	Email string
	Name  string
	Does  string // what to try with it, for the demo's banner
}

// Accounts lists one sign-in per role, in the order they are printed.
var Accounts = []Account{
	{auth.RoleAdmin, "admin@exempelby.example", "Alva Administratör",
		"people, units, complaint categories, API clients, the mail queue"},
	{auth.RoleOfficer, "klagomal@exempelby.example", "Oskar Handläggare",
		"the complaint officer: every case, principals' meetings, the board report, placement rounds"},
	{auth.RolePrincipal, "rektor.ekbacka@exempelby.example", "Petra Rektorsson",
		"principal of Ekbacka skola: the unit's cases, meetings, dialogues and unit picture"},
	{auth.RoleSpecialist, "maltid@exempelby.example", "Maja Måltidschef",
		"head of school meals: the cases about meals"},
	{auth.RoleAnalyst, "analys@exempelby.example", "Anders Analytiker",
		"analyst: the unit picture, imports, complaint trends"},
	{auth.RoleBoard, "ordforande@exempelby.example", "Bodil Nämndsdotter",
		"chair of the board: the board report and what to steer by, small groups suppressed"},
}

// MoreAccounts are further demo sign-ins worth knowing, printed after
// Accounts.
var MoreAccounts = []Account{
	{auth.RoleOfficer, "skolchef@exempelby.example", "Gunnar Skolchef",
		"head of education: quality dialogues with the principals, placement rounds"},
	{auth.RoleSpecialist, "placering@exempelby.example", "Pia Placering",
		"placement office: school-choice rounds (register, applications, decisions, appeals) and the complaints about them"},
}

type unitSpec struct {
	name, code, area, street string
	lat, lon                 float64
	forms                    []org.UnitForm
}

func years(from, to int) (*int, *int) { return &from, &to }

func form(code string, yr ...int) org.UnitForm {
	f := org.UnitForm{Form: code}
	if len(yr) == 2 {
		f.YearFrom, f.YearTo = years(yr[0], yr[1])
	}
	return f
}

var (
	fsk   = form("forskola")
	fkl   = form("forskoleklass", 0, 0)
	fth   = form("fritidshem")
	gr16  = form("grundskola", 1, 6)
	gr79  = form("grundskola", 7, 9)
	gr19  = form("grundskola", 1, 9)
	agr19 = form("anpassad_grundskola", 1, 9)
	agr79 = form("anpassad_grundskola", 7, 9)
)

var units = []unitSpec{
	{"Förskolan Ekorren", "91000101", "Norr", "Ekorrstigen 4", 59.3812, 16.5105, []org.UnitForm{fsk}},
	{"Förskolan Lärkan", "91000102", "Norr", "Lärkvägen 11", 59.3850, 16.5221, []org.UnitForm{fsk}},
	{"Förskolan Solrosen", "91000103", "Centrum", "Solrosgatan 2", 59.3702, 16.5093, []org.UnitForm{fsk}},
	{"Förskolan Myran", "91000104", "Söder", "Myrstacksvägen 7", 59.3577, 16.5012, []org.UnitForm{fsk}},
	{"Förskolan Blåbäret", "91000105", "Söder", "Bärvägen 15", 59.3541, 16.5180, []org.UnitForm{fsk}},
	{"Förskolan Humlan", "91000106", "Centrum", "Humlegårdsgatan 3", 59.3721, 16.5162, []org.UnitForm{fsk}},
	{"Förskolan Snäckan", "91000107", "Sjöviken", "Strandpromenaden 21", 59.3655, 16.5420, []org.UnitForm{fsk}},
	{"Ekbacka skola", "92000201", "Norr", "Ekbackavägen 12", 59.3833, 16.5160, []org.UnitForm{fkl, gr16, fth}},
	{"Björkdalens skola", "92000202", "Norr", "Björkdalsvägen 30", 59.3901, 16.5034, []org.UnitForm{fkl, gr16, fth}},
	{"Sjövikens skola", "92000203", "Sjöviken", "Sjöviksvägen 5", 59.3640, 16.5388, []org.UnitForm{fkl, gr16, fth}},
	{"Lindåsens skola", "92000204", "Centrum", "Lindåsgatan 9", 59.3730, 16.5041, []org.UnitForm{fkl, gr16, fth}},
	{"Tallmoskolan", "92000205", "Söder", "Tallmovägen 44", 59.3560, 16.5090, []org.UnitForm{fkl, gr16, fth}},
	{"Ängsbacka skola", "92000206", "Söder", "Ängsbackavägen 1", 59.3522, 16.4960, []org.UnitForm{fkl, gr16, fth}},
	{"Hagaskolan", "92000207", "Centrum", "Hagagatan 18", 59.3688, 16.5130, []org.UnitForm{fkl, gr19, fth}},
	{"Kvarnbyskolan", "92000208", "Sjöviken", "Kvarnbyvägen 6", 59.3611, 16.5502, []org.UnitForm{fkl, gr19, fth}},
	{"Centralskolan", "93000301", "Centrum", "Skolgatan 1", 59.3709, 16.5075, []org.UnitForm{gr79}},
	{"Norrbergsskolan", "93000302", "Norr", "Norrbergsvägen 20", 59.3870, 16.5120, []org.UnitForm{gr79}},
	{"Södra skolan", "93000303", "Söder", "Södra Allén 8", 59.3549, 16.5051, []org.UnitForm{gr79, agr79}},
	{"Regnbågens anpassade grundskola", "94000401", "Centrum", "Regnbågsvägen 2", 59.3715, 16.5190, []org.UnitForm{agr19, fth}},
	{"Stjärnans anpassade grundskola", "94000402", "Norr", "Stjärnvägen 13", 59.3822, 16.4990, []org.UnitForm{agr19}},
}

// places is the demo capacity per year for each form.
func places(f org.UnitForm) int {
	switch f.Form {
	case "forskola":
		return 72
	case "fritidshem":
		return 140
	case "anpassad_grundskola":
		return 8
	case "grundskola":
		if *f.YearFrom >= 7 {
			return 120
		}
	}
	return 50
}

type personSpec struct {
	name, email, title string
	role               auth.Role
	units              []string // unit codes
	categories         []string
}

var people = []personSpec{
	{"Alva Administratör", "admin@exempelby.example", "Systemförvaltare", auth.RoleAdmin, nil, nil},
	{"Gunnar Skolchef", "skolchef@exempelby.example", "Förvaltningschef", auth.RoleOfficer, nil, nil},
	{"Oskar Handläggare", "klagomal@exempelby.example", "Klagomålshandläggare", auth.RoleOfficer, nil, nil},
	{"Lena Jurist", "jurist@exempelby.example", "Förvaltningsjurist", auth.RoleOfficer, nil, nil},
	{"Pia Placering", "placering@exempelby.example", "Placeringshandläggare", auth.RoleSpecialist, nil, []string{"school_placement"}},
	{"Maja Måltidschef", "maltid@exempelby.example", "Måltidschef", auth.RoleSpecialist, nil, []string{"meals"}},
	{"Sune Skjutsson", "skolskjuts@exempelby.example", "Skolskjutshandläggare", auth.RoleSpecialist, nil, []string{"school_transport"}},
	{"Anders Analytiker", "analys@exempelby.example", "Utredare", auth.RoleAnalyst, nil, nil},
	{"Bodil Nämndsdotter", "ordforande@exempelby.example", "Ordförande, barn- och utbildningsnämnden", auth.RoleBoard, nil, nil},
	{"Karl Ledamotsson", "ledamot1@exempelby.example", "Ledamot, barn- och utbildningsnämnden", auth.RoleBoard, nil, nil},
	{"Fatima Ersättare", "ledamot2@exempelby.example", "Ersättare, barn- och utbildningsnämnden", auth.RoleBoard, nil, nil},
	{"Petra Rektorsson", "rektor.ekbacka@exempelby.example", "Rektor", auth.RolePrincipal, []string{"92000201"}, nil},
	{"Björn Björkman", "rektor.bjorkdalen@exempelby.example", "Rektor", auth.RolePrincipal, []string{"92000202"}, nil},
	{"Sara Sjöberg", "rektor.sjoviken@exempelby.example", "Rektor", auth.RolePrincipal, []string{"92000203", "92000208"}, nil},
	{"Lars Lindqvist", "rektor.lindasen@exempelby.example", "Rektor", auth.RolePrincipal, []string{"92000204"}, nil},
	{"Tove Tallberg", "rektor.tallmo@exempelby.example", "Rektor", auth.RolePrincipal, []string{"92000205", "92000206"}, nil},
	{"Hanna Hagström", "rektor.haga@exempelby.example", "Rektor", auth.RolePrincipal, []string{"92000207"}, nil},
	{"Carl Centerlöf", "rektor.central@exempelby.example", "Rektor", auth.RolePrincipal, []string{"93000301"}, nil},
	{"Nora Norrby", "rektor.norrberg@exempelby.example", "Rektor", auth.RolePrincipal, []string{"93000302"}, nil},
	{"Sven Södergren", "rektor.sodra@exempelby.example", "Rektor", auth.RolePrincipal, []string{"93000303"}, nil},
	{"Regina Ljung", "rektor.anpassad@exempelby.example", "Rektor", auth.RolePrincipal, []string{"94000401", "94000402"}, nil},
	{"Frida Förskoleson", "rektor.forskola.norr@exempelby.example", "Förskolechef och rektor", auth.RolePrincipal, []string{"91000101", "91000102"}, nil},
	{"Mira Myrén", "rektor.forskola.soder@exempelby.example", "Rektor", auth.RolePrincipal, []string{"91000104", "91000105"}, nil},
	{"Cecilia Centrum", "rektor.forskola.centrum@exempelby.example", "Rektor", auth.RolePrincipal, []string{"91000103", "91000106", "91000107"}, nil},
	{"Elin Lärare", "larare.ekbacka@exempelby.example", "Förstelärare", auth.RoleOfficer, []string{"92000201"}, nil},
}

// Loaded reports whether the demo organizer is already in the database.
func Loaded(ctx context.Context, q store.Q) (bool, error) {
	_, err := org.GetOrganizer(ctx, q)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// Load fills an empty database with Exempelby kommun, in one transaction.
// It is an error to load into a database that already has an organizer.
func Load(ctx context.Context, db store.Q) error {
	if ok, err := Loaded(ctx, db); err != nil || ok {
		if ok {
			return errors.New("demo: the database already has an organizer")
		}
		return err
	}
	// One hash (one salt) for all demo accounts keeps loading fast; real
	// passwords are each hashed with their own salt by auth.SetPassword.
	hash, err := auth.HashPassword(Password)
	if err != nil {
		return err
	}
	ctx = auth.WithPrincipal(ctx, auth.System)
	return store.InTx(ctx, db, func(tx *store.Tx) error {
		err := org.SaveOrganizer(ctx, tx, org.Organizer{
			Name: "Exempelby kommun", Type: org.Municipal, OrgNumber: "212000-9999", RegPrefix: "BUN",
			Email: "barn.utbildning@exempelby.example", Phone: "0999-12 00 00",
			Website: "https://exempelby.example/", PrivacyURL: "https://exempelby.example/dataskydd",
		})
		if err != nil {
			return err
		}
		if err := org.SaveLogo(ctx, tx, Logo()); err != nil {
			return err
		}
		areas := map[string]int64{}
		for _, name := range []string{"Centrum", "Norr", "Sjöviken", "Söder"} {
			if areas[name], err = org.SaveArea(ctx, tx, org.Area{Name: name}); err != nil {
				return err
			}
		}
		codes := map[string]int64{}
		for i, s := range units {
			u := org.Unit{
				Name: s.name, Code: s.code, StreetAddress: s.street, PostalCode: fmt.Sprintf("999 %02d", 10+i),
				City: "Exempelby", Lat: &s.lat, Lon: &s.lon, Active: true, Phone: fmt.Sprintf("0999-12 %02d 00", i+10),
				Email: fmt.Sprintf("enhet%s@exempelby.example", s.code), Forms: s.forms,
			}
			area := areas[s.area]
			u.AreaID = &area
			total := 0
			for _, f := range s.forms {
				for _, y := range f.Years() {
					u.Capacity = append(u.Capacity, org.Capacity{Form: f.Form, Year: y, Places: places(f)})
					if f.Form != "fritidshem" { // fritids pupils are the school's own
						total += places(f)
					}
				}
			}
			pupils := total * (85 + i%12) / 100 // most units are nearly full
			u.Pupils = &pupils
			if err := org.SaveUnit(ctx, tx, &u); err != nil {
				return fmt.Errorf("demo unit %s: %w", s.name, err)
			}
			codes[s.code] = u.ID
		}
		for _, s := range people {
			p := org.Person{Name: s.name, Email: s.email, Title: s.title, Role: s.role, Active: true, Categories: s.categories}
			for _, c := range s.units {
				p.Units = append(p.Units, codes[c])
			}
			if err := org.SavePerson(ctx, tx, &p); err != nil {
				return fmt.Errorf("demo person %s: %w", s.email, err)
			}
			if _, err := tx.Exec(ctx, "UPDATE users SET password_hash = ? WHERE id = ?", hash, p.ID); err != nil {
				return err
			}
		}
		// Oskar Handläggare is the organizer's complaint officer.
		_, err = tx.Exec(ctx, "UPDATE complaint_settings SET complaint_officer_id = (SELECT id FROM users WHERE email = ?) WHERE id = 1",
			"klagomal@exempelby.example")
		if err != nil {
			return err
		}
		if err := LoadPlacement(ctx, tx); err != nil {
			return err
		}
		if err := LoadUnitPicture(ctx, tx); err != nil {
			return err
		}
		if err := LoadDialogues(ctx, tx); err != nil {
			return err
		}
		if err := LoadAccessibility(ctx, tx); err != nil {
			return err
		}
		return LoadSurveys(ctx, tx)
	})
}
