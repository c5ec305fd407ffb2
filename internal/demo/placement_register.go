package demo

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/styrkedjan/styrkedjan/internal/placement/batch"
	"github.com/styrkedjan/styrkedjan/internal/placement/geo"
	plround "github.com/styrkedjan/styrkedjan/internal/placement/round"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Fictional names for the demo's register (no real people).
var (
	demoFirstNames = []string{"Alva", "Elsa", "Maja", "Noah", "Liam", "Hugo", "Omar", "Amira", "Yasmin", "Ali", "Sara", "Leo",
		"Ella", "Nova", "Ibrahim", "Hodan", "Abdi", "Darya", "Reza", "Vera", "Sixten", "Selma", "Wilma", "Adam", "Zahra", "Idris"}
	demoAdultNames = []string{"Anna", "Johan", "Maria", "Erik", "Fatima", "Ahmed", "Karin", "Per", "Leila", "Hassan", "Sofia",
		"Mikael", "Faduma", "Mohamed", "Shirin", "Babak", "Emma", "Anders", "Layla", "Yusuf"}
	demoSurnames = []string{"Andersson", "Berg", "Lindqvist", "Nilsson", "Ali", "Hassan", "Karimi", "Ahmadi", "Warsame", "Farah",
		"Holm", "Ek", "Sandberg", "Jama", "Rahimi", "Öberg", "Lund", "Hussein", "Sjöberg", "Nyström"}
)

// LoadRegister gives the demo's placement round (PlacementRoundName) a
// register: a child per demo applicant (the same key, A0001…, and home),
// with one or two guardians (joint custody for most), e-mail addresses for
// most (the others get letters), languages mostly Swedish and some English,
// Arabic, Somali and Persian, an older sibling at the same address where
// the applicant has a sibling at a school, and homes given mostly in
// WGS84, some in SWEREF 99 TM and some by address only. The generated
// demo network has no addresses, so the address-only homes are then set by
// hand, as an officer would (located_by 'officer'). No personal identity
// numbers. Idempotent: loading again imports the same extract.
func LoadRegister(ctx context.Context, db store.Q, roundID int64) error {
	r, err := plround.Get(ctx, db, roundID)
	if err != nil {
		return err
	}
	_, apps, _, err := r.Inputs()
	if err != nil {
		return err
	}
	text, manual := registerExtract(apps)
	cs, err := plround.ParseRegister(ctx, db, roundID, text)
	if err != nil {
		return fmt.Errorf("demo register: %w", err)
	}
	if _, err := plround.ImportRegister(ctx, db, roundID, cs, nil); err != nil {
		return fmt.Errorf("demo register import: %w", err)
	}
	kids, err := plround.RegisterChildren(ctx, db, roundID)
	if err != nil {
		return err
	}
	for _, k := range kids {
		if p, ok := manual[k.Key]; ok && !k.Located() {
			if err := plround.SetHome(ctx, db, roundID, k.ID, p[0], p[1]); err != nil {
				return fmt.Errorf("demo register home %s: %w", k.Key, err)
			}
		}
	}
	return nil
}

// registerExtract writes the demo's extract; manual are the homes given by
// address only, by key.
func registerExtract(apps []batch.Applicant) (string, map[string][2]float64) {
	rng := rand.New(rand.NewPCG(2027, 15))
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"child_id", "name", "birth_date", "year", "address", "postal_code", "city", "current_school", "n", "e", "lat", "lon",
		"guardian1_name", "guardian1_email", "guardian1_phone", "guardian1_custody", "guardian1_language",
		"guardian2_name", "guardian2_email", "guardian2_phone", "guardian2_custody", "guardian2_language"})
	manual := map[string][2]float64{}
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	for i, a := range apps {
		surname := pick(demoSurnames)
		lang := "sv"
		switch k := rng.IntN(20); {
		case k == 0:
			lang = "en"
		case k <= 2:
			lang = "ar"
		case k == 3:
			lang = "so"
		case k == 4:
			lang = "fa"
		}
		address := fmt.Sprintf("Exempelgatan %d", i+1)
		postal := fmt.Sprintf("73%d %02d", 1+rng.IntN(4), rng.IntN(100))
		lat, lon := strconv.FormatFloat(a.Lat, 'f', 6, 64), strconv.FormatFloat(a.Lon, 'f', 6, 64)
		n, e := "", ""
		switch {
		case i%40 == 7: // by address only
			lat, lon = "", ""
			manual[a.ID] = [2]float64{a.Lat, a.Lon}
		case i%25 == 3: // as the register gives them, in SWEREF 99 TM
			nn, ee := geo.ToSweref(a.Lat, a.Lon)
			n, e = strconv.FormatFloat(nn, 'f', 2, 64), strconv.FormatFloat(ee, 'f', 2, 64)
			lat, lon = "", ""
		}
		email := func(first string) string {
			if rng.IntN(8) == 0 {
				return "" // no e-mail address: a letter
			}
			return fmt.Sprintf("%s.%s.%d@example.se", asciiName(first), asciiName(surname), i+1)
		}
		g1 := pick(demoAdultNames)
		row := []string{a.ID, pick(demoFirstNames) + " " + surname, fmt.Sprintf("2021-%02d-%02d", 1+rng.IntN(12), 1+rng.IntN(28)), "0",
			address, postal, "Exempelby", "", n, e, lat, lon,
			g1 + " " + surname, email(g1), fmt.Sprintf("070-%03d %02d %02d", rng.IntN(1000), rng.IntN(100), rng.IntN(100)), "ja", lang}
		switch k := rng.IntN(20); {
		case k < 3: // one guardian with sole custody
			row = append(row, "", "", "", "", "")
		default:
			g2 := pick(demoAdultNames)
			custody := "ja"
			if k == 3 { // a parent without custody
				custody = "nej"
			}
			row = append(row, g2+" "+surname, email(g2), "", custody, lang)
		}
		_ = w.Write(row)
		if len(a.Siblings) > 0 {
			if p, ok := manual[a.ID]; ok {
				manual["S"+a.ID[1:]] = p
			}
			// The older sibling at the school, at the same address.
			_ = w.Write([]string{"S" + a.ID[1:], pick(demoFirstNames) + " " + surname, "2017-05-04", "3", address, postal, "Exempelby",
				a.Siblings[0], n, e, lat, lon, row[12], row[13], row[14], "ja", lang, row[17], row[18], row[19], row[20], row[21]})
		}
	}
	w.Flush()
	return b.String(), manual
}

// asciiName folds a name for an e-mail address.
func asciiName(s string) string {
	var b []rune
	for _, r := range s {
		switch r {
		case 'å', 'ä', 'Å', 'Ä':
			r = 'a'
		case 'ö', 'Ö':
			r = 'o'
		}
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		b = append(b, r)
	}
	return string(b)
}
