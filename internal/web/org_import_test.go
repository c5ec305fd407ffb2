package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/i18n"
)

// postImport posts a multipart form as the import pages do: kind, and the
// CSV either as the file input (preview) or as the csv field (commit).
func (c *client) postImport(path, kind, field string, csv []byte, header ...string) response {
	c.e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("kind", kind)
	switch field {
	case "file":
		fw, _ := mw.CreateFormFile("file", "import.csv")
		_, _ = fw.Write(csv)
	case "csv":
		_ = mw.WriteField("csv", string(csv))
	}
	_ = mw.Close()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return c.do(req)
}

// untranslated finds message IDs shown instead of their text.
var untranslated = regexp.MustCompile(`\b(import|field|form|role)\.[a-z_]+`)

func TestImportPreviewAndCommit(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.login(admin)
		for _, lang := range []string{"sv", "en"} {
			r := c.do(mustRequest(t, "GET", e.srv.URL+"/admin/import", "Accept-Language", lang))
			if r.status != http.StatusOK || !strings.Contains(r.body, `enctype="multipart/form-data"`) || !strings.Contains(r.body, `id="f-file"`) {
				t.Fatalf("GET /admin/import (%s): %d\n%s", lang, r.status, r.body)
			}
			if m := untranslated.FindString(r.body); m != "" {
				t.Errorf("form (%s) shows message ID %s", lang, m)
			}
		}

		csv := []byte("\ufeffNamn;Skolenhetskod;Område;Latitud;Longitud;Skolformer\r\n" +
			"Solrosens skola;91000001;Exempelområdet;59,37;16,51;grundskola 1-6\r\n" +
			"Ekbacka skola;92000201;Norr;59,3833;16,5160;förskoleklass|grundskola 1-9|fritidshem\r\n" +
			"Felskolan;123;;;;grundskola\r\n")
		units := e.count("SELECT COUNT(*) FROM units")
		r := c.postImport("/admin/import/preview", "units", "file", csv)
		if r.status != http.StatusOK {
			t.Fatalf("preview: %d\n%s", r.status, r.body)
		}
		for _, want := range []string{"Läggs till: 1", "Uppdateras: 1", "Hoppas över på grund av fel: 1",
			"<th scope=\"row\">4</th><td>Skolenhetskod</td><td>Skolenhetskoden är åtta siffror.</td>",
			"Exempelområdet <span class=\"tag\">nytt område</span>", "Importera 2 giltiga rader", `name="csv"`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("preview lacks %q", want)
			}
		}
		if m := untranslated.FindString(r.body); m != "" {
			t.Errorf("preview shows message ID %s", m)
		}
		if n := e.count("SELECT COUNT(*) FROM units"); n != units {
			t.Fatalf("preview wrote units: %d, want %d", n, units)
		}

		r = c.postImport("/admin/import/commit", "units", "csv", csv)
		if r.status != http.StatusOK || !strings.Contains(r.body, "Nya enheter: 1. Uppdaterade enheter: 1.") {
			t.Fatalf("commit: %d\n%s", r.status, r.body)
		}
		if n := e.count("SELECT COUNT(*) FROM units"); n != units+1 {
			t.Errorf("units after commit %d, want %d", n, units+1)
		}
		if n := e.count("SELECT COUNT(*) FROM unit_school_forms WHERE unit_id = ? AND form_code = 'grundskola' AND year_to = 9",
			e.unitID("92000201")); n != 1 {
			t.Error("Ekbacka skola was not updated to grundskola 1-9")
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE action = 'import' AND entity = 'units'"); n != 1 {
			t.Errorf("import audit entries %d, want 1", n)
		}

		people := []byte("name,email,role,units\nRita Rektorsson,rita.rektorsson@exempelby.example,principal,91000001\n")
		r = c.postImport("/admin/import/commit", "people", "csv", people)
		if r.status != http.StatusOK || !strings.Contains(r.body, "Nya personer: 1.") || !strings.Contains(r.body, "Bjud in dem") {
			t.Fatalf("people commit: %d\n%s", r.status, r.body)
		}
		e.personID("rita.rektorsson@exempelby.example")
	})
}

func TestImportErrorsAreShownOnTheForm(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.login(admin)
		tests := []struct {
			name, path, kind, field string
			csv                     []byte
			want                    string
		}{
			{"windows-1252", "/admin/import/preview", "units", "file", []byte("Namn;Skolenhetskod;Skolformer\r\nF\xf6rskolan;91000020;f\xf6rskola\r\n"),
				"Filen är inte sparad som UTF-8."},
			{"too big", "/admin/import/preview", "units", "file", bytes.Repeat([]byte("x"), 2<<20+1), "Filen är för stor. Den får vara högst 2 MB."},
			{"no file", "/admin/import/preview", "units", "", nil, "Välj en fil."},
			{"missing column", "/admin/import/preview", "people", "file", []byte("namn;e-post\nA;a@exempelby.example\n"),
				"Kolumner som måste finnas saknas: role."},
			{"nothing valid", "/admin/import/commit", "units", "csv", []byte("namn;kod;skolformer\nA;1;förskola\n"),
				"Det finns inga rader utan fel att importera."},
		}
		for _, tt := range tests {
			r := c.postImport(tt.path, tt.kind, tt.field, tt.csv)
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, tt.want) ||
				!strings.Contains(r.body, `<a href="#f-file">`) || !strings.Contains(r.body, `aria-invalid="true"`) {
				t.Errorf("%s: %d, want 422 with %q on the file field\n%s", tt.name, r.status, tt.want, r.body)
			}
		}
		r := c.postImport("/admin/import/preview", "pupils", "file", []byte("name\nA\n"))
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `<a href="#f-kind">`) {
			t.Errorf("unknown kind: %d", r.status)
		}
		r = c.postImport("/admin/import/preview", "units", "file", []byte("Namn;Skolenhetskod\r\nF\xf6rskolan;91000020\r\n"),
			"Accept-Language", "en")
		if !strings.Contains(r.body, "The file is not saved as UTF-8.") {
			t.Errorf("English error missing:\n%s", r.body)
		}
	})
}

func TestImportNeedsManagePeople(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.login(officer)
		if r := c.get("/admin/import"); r.status != http.StatusForbidden {
			t.Errorf("officer GET /admin/import: %d, want 403", r.status)
		}
		r := c.postImport("/admin/import/commit", "units", "csv", []byte("namn;kod;skolformer\nA;91000001;förskola\n"))
		if r.status != http.StatusForbidden || e.count("SELECT COUNT(*) FROM units WHERE unit_code = '91000001'") != 0 {
			t.Errorf("officer commit: %d, want 403 and nothing written", r.status)
		}
	})
}

// TestImportMessagesExist checks the IDs the import code emits are in
// both catalogs (templates are covered by the untranslated check above).
func TestImportMessagesExist(t *testing.T) {
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{
		"import.err_encoding", "import.err_empty", "import.err_no_rows", "import.err_csv", "import.err_header_blank",
		"import.err_header_twice", "import.err_unknown_columns", "import.err_missing_columns", "import.err_apply",
		"import.err_too_big", "import.err_no_file", "import.err_nothing",
		"field.csv_duplicate", "field.csv_role", "field.csv_unit_unknown", "field.csv_category_unknown",
		"field.csv_twice", "field.csv_capacity", "field.csv_number", "field.csv_columns",
		// From the platform catalogs, which the import also emits.
		"field.required", "field.choose", "field.self_lockout", "field.taken", "field.unit_code", "field.lat", "field.lon",
		"field.coords_pair", "field.email", "field.forms_none", "field.form_unknown", "field.year_range_form",
		"field.capacity", "field.capacity_year", "field.principal_units", "field.specialist_categories", "field.category_code",
	}
	for _, lang := range []string{"sv", "en"} {
		for _, id := range ids {
			if !c.Has(lang, id) {
				t.Errorf("%s: no message %s", lang, id)
			}
		}
	}
}

func mustRequest(t *testing.T, method, url string, header ...string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return req
}
