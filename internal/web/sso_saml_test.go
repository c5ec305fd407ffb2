package web_test

import (
	"bytes"
	"compress/flate"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"encoding/xml"
	"html"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/crewjam/saml"
	"github.com/crewjam/saml/samlidp"
	"github.com/crewjam/saml/xmlenc"
	"github.com/jonboulle/clockwork"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/styrkedjan/styrkedjan/internal/sso"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/web"
)

// SAML 2.0 sign-in against a real identity provider started by the test:
// crewjam/saml's samlidp (metadata, login form, signed responses through
// the HTTP-POST binding, single logout), a separate implementation of the
// protocol's other side from the service provider the server uses.

// keyPair makes an RSA key and a self-signed certificate for name.
func keyPair(t *testing.T, name string) (*rsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return key, cert
}

// offsetClock is the real clock moved by an offset the test sets: the
// identity provider's clock, to make it issue expired assertions.
type offsetClock struct {
	clockwork.Clock
	off atomic.Int64
}

func (c *offsetClock) Now() time.Time { return c.Clock.Now().Add(time.Duration(c.off.Load())) }

// samlIdP is a running samlidp server.
type samlIdP struct {
	*samlidp.Server
	url   string
	clock *offsetClock
}

func startSAMLIdP(t *testing.T) *samlIdP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	u, _ := url.Parse(base)
	key, cert := keyPair(t, "idp")
	clock := &offsetClock{Clock: clockwork.NewRealClock()}
	s, err := samlidp.New(samlidp.Options{URL: *u, Key: key, Signer: key, Certificate: cert, Store: &samlidp.MemoryStore{},
		Clock: dsig.NewFakeClock(clock)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(s)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return &samlIdP{Server: s, url: base, clock: clock}
}

// put stores a JSON document or metadata at the provider's admin API.
func (p *samlIdP) put(t *testing.T, path, body string) {
	t.Helper()
	req, _ := http.NewRequest("PUT", p.url+path, strings.NewReader(body))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNoContent {
		t.Fatalf("PUT %s: %d", path, res.StatusCode)
	}
}

func (p *samlIdP) user(t *testing.T, name, email, cn string, groups ...string) {
	t.Helper()
	g := `"` + strings.Join(groups, `","`) + `"`
	p.put(t, "/users/"+name, `{"password":"hemligt","email":"`+email+`","common_name":"`+cn+`","groups":[`+g+`]}`)
}

const samlMapping = `
claim = "eduPersonAffiliation"
[[rule]]
group = "sg-forvaltning"
role  = "officer"
[[rule]]
group = "sg-rektor-ekbacka"
role  = "principal"
units = ["` + unitA + `"]
`

// samlEnv serves the demo with SAML sign-in through idp, and registers
// the server's metadata (from GET /saml/metadata) at the provider.
func samlEnv(t *testing.T, db *store.DB, idp *samlIdP, opts web.Options) (*env, *rsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	key, cert := keyPair(t, "styrkedjan")
	dir := t.TempDir()
	keyFile, certFile := filepath.Join(dir, "sp.key"), filepath.Join(dir, "sp.crt")
	_ = os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600)
	_ = os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o600)
	sp, err := sso.NewSAML(sso.SAMLConfig{Metadata: idp.url + "/metadata", BaseURL: base, KeyFile: keyFile, CertFile: certFile,
		EmailAttribute: "mail", NameAttribute: "cn"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := sso.ParseMapping(samlMapping)
	if err != nil {
		t.Fatal(err)
	}
	opts.PublicURL = base
	opts.StaffSAML, opts.SAMLMapping = sp, m
	e := startOn(t, db, ln, opts)
	meta := e.client().get("/saml/metadata")
	if meta.status != http.StatusOK || !strings.Contains(meta.body, base+"/saml/acs") {
		t.Fatalf("metadata: %d\n%s", meta.status, meta.body)
	}
	idp.put(t, "/services/styrkedjan", meta.body)
	return e, key, cert
}

var (
	formAction   = regexp.MustCompile(`<form method="post" action="([^"]+)"`)
	formResponse = regexp.MustCompile(`name="SAMLResponse" value="([^"]+)"`)
)

// atIdP follows the redirect to the provider, signs in there as user
// when it asks, and returns the ACS URL and the SAMLResponse it posts back.
func (c *client) atIdP(res response, user string) (string, string) {
	c.e.t.Helper()
	if res.status != http.StatusSeeOther {
		c.e.t.Fatalf("not sent to the identity provider: %d\n%s", res.status, res.body)
	}
	loc := res.header.Get("Location")
	page := c.do(mustGet(loc))
	if strings.Contains(page.body, `name="password"`) {
		action := html.UnescapeString(formAction.FindStringSubmatch(page.body)[1])
		form := url.Values{"user": {user}, "password": {"hemligt"}}
		for _, f := range []string{"SAMLRequest", "RelayState"} {
			if m := regexp.MustCompile(`name="` + f + `" value="([^"]*)"`).FindStringSubmatch(page.body); m != nil {
				form.Set(f, html.UnescapeString(m[1]))
			}
		}
		req, _ := http.NewRequest("POST", action, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		page = c.do(req)
	}
	a, r := formAction.FindStringSubmatch(page.body), formResponse.FindStringSubmatch(page.body)
	if a == nil || r == nil {
		c.e.t.Fatalf("the identity provider answered no form: %d\n%s", page.status, page.body)
	}
	return html.UnescapeString(a[1]), html.UnescapeString(r[1])
}

// acs posts a SAMLResponse to the ACS as a browser does from the
// provider's page: a cross-site POST.
func (c *client) acs(acsURL, samlResponse, idpOrigin string) response {
	c.e.t.Helper()
	req, _ := http.NewRequest("POST", acsURL, strings.NewReader(url.Values{"SAMLResponse": {samlResponse}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", idpOrigin)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	return c.do(req)
}

// requestID reads the AuthnRequest's ID from the redirect to the provider.
func requestID(t *testing.T, loc string) string {
	t.Helper()
	u, _ := url.Parse(loc)
	raw, _ := base64.StdEncoding.DecodeString(u.Query().Get("SAMLRequest"))
	doc, err := io.ReadAll(flate.NewReader(bytes.NewReader(raw)))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(` ID="([^"]+)"`).FindSubmatch(doc)
	if m == nil {
		t.Fatalf("no ID in %s", doc)
	}
	return string(m[1])
}

// tamper changes from to to in the assertion of a SAMLResponse: the
// provider encrypts it to the service provider's certificate, so it is
// decrypted with the service provider's key, changed and encrypted again,
// its signature kept.
func tamper(t *testing.T, samlResponse string, key *rsa.PrivateKey, cert *x509.Certificate, from, to string) string {
	t.Helper()
	raw, _ := base64.StdEncoding.DecodeString(samlResponse)
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(raw); err != nil {
		t.Fatal(err)
	}
	enc := doc.FindElement("//EncryptedAssertion/EncryptedData")
	if enc == nil {
		t.Fatalf("no encrypted assertion in %s", raw)
	}
	plain, err := xmlenc.Decrypt(key, enc)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(plain, []byte(from)) {
		t.Fatalf("%q not in the assertion", from)
	}
	plain = bytes.Replace(plain, []byte(from), []byte(to), 1)
	e := xmlenc.OAEP()
	e.BlockCipher = xmlenc.AES256GCM
	el, err := e.Encrypt(cert, plain, nil)
	if err != nil {
		t.Fatal(err)
	}
	parent := enc.Parent()
	parent.RemoveChild(enc)
	parent.AddChild(el)
	out, err := doc.WriteToBytes()
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(out)
}

func TestStaffSAML(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		idp := startSAMLIdP(t)
		e, spKey, spCert := samlEnv(t, db, idp, web.Options{})
		idp.user(t, "nina", "ny.rektor@exempelby.example", "Nina Rektor", "alla", "sg-rektor-ekbacka")
		idp.user(t, "officer", "klagomal@exempelby.example", "Kerstin Klagomål", "sg-forvaltning")
		idp.user(t, "vikarie", "vikarie@exempelby.example", "Vera Vikarie", "alla")
		entity := idp.url + "/metadata"

		// A new person: created with the role and unit of their group,
		// linked by the provider's entity ID and the NameID.
		c := e.client()
		if r := c.get("/login"); !strings.Contains(r.body, `href="/login/saml?next=`) {
			t.Fatalf("login page offers no SAML sign-in:\n%s", r.body)
		}
		acsURL, resp := c.atIdP(c.get("/login/saml?next=/account"), "nina")
		if acsURL != e.srv.URL+"/saml/acs" {
			t.Fatalf("the provider posts to %s", acsURL)
		}
		r := c.acs(acsURL, resp, idp.url)
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/account" {
			t.Fatalf("ACS: %d %s\n%s", r.status, r.header.Get("Location"), r.body)
		}
		if r := c.get("/account"); r.status != http.StatusOK {
			t.Fatalf("signed in, /account: %d", r.status)
		}
		id := e.personID("ny.rektor@exempelby.example")
		var role, name string
		if err := db.QueryRow(t.Context(), "SELECT role, name FROM users WHERE id = ?", id).Scan(&role, &name); err != nil || role != "principal" || name != "Nina Rektor" {
			t.Errorf("role %q name %q %v, want principal Nina Rektor", role, name, err)
		}
		if n := e.count("SELECT COUNT(*) FROM user_units WHERE user_id = ? AND unit_id = ?", id, e.unitID(unitA)); n != 1 {
			t.Errorf("not linked to %s", unitA)
		}
		if n := e.count("SELECT COUNT(*) FROM sso_identities WHERE issuer = ? AND subject = ? AND user_id = ?", entity, "ny.rektor@exempelby.example", id); n != 1 {
			t.Error("no sso identity with the IdP's entity ID and the NameID")
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE action = 'login' AND entity_id = ? AND summary = ?", itoa(id), "saml "+entity); n != 1 {
			t.Errorf("%d saml login audit entries, want 1", n)
		}

		// Replayed: the same response again, in this browser or another
		// with a sign-in of its own, is refused.
		if r := c.acs(acsURL, resp, idp.url); r.status != http.StatusUnauthorized {
			t.Errorf("replayed in the same browser: %d", r.status)
		}
		o := e.client()
		o.get("/login/saml")
		if r := o.acs(acsURL, resp, idp.url); r.status != http.StatusUnauthorized {
			t.Errorf("replayed in another browser: %d", r.status)
		}
		if r := o.get("/cases"); r.status != http.StatusSeeOther {
			t.Errorf("after a replayed assertion /cases: %d", r.status)
		}

		// An existing person (the demo's officer) matched by e-mail.
		k := e.client()
		acsURL, resp = k.atIdP(k.get("/login/saml"), "officer")
		if r := k.acs(acsURL, resp, idp.url); r.status != http.StatusSeeOther {
			t.Fatalf("officer: %d\n%s", r.status, r.body)
		}
		if n := e.count("SELECT COUNT(*) FROM sso_identities WHERE subject = 'klagomal@exempelby.example' AND user_id = ?", e.personID("klagomal@exempelby.example")); n != 1 {
			t.Error("the officer's identity is not linked to the existing person")
		}

		// No mapped group: refused with the reason.
		v := e.client()
		acsURL, resp = v.atIdP(v.get("/login/saml"), "vikarie")
		if r := v.acs(acsURL, resp, idp.url); r.status != http.StatusForbidden || !strings.Contains(r.body, "ingen behörighet") {
			t.Errorf("no group: %d\n%s", r.status, r.body)
		}

		// Tampered: the substitute's group raised to an officer's, the
		// signature kept. Refused, nobody created.
		h := e.client()
		acsURL, resp = h.atIdP(h.get("/login/saml"), "vikarie")
		if r := h.acs(acsURL, tamper(t, resp, spKey, spCert, ">alla<", ">sg-forvaltning<"), idp.url); r.status != http.StatusUnauthorized {
			t.Errorf("tampered assertion: %d", r.status)
		}
		if n := e.count("SELECT COUNT(*) FROM users WHERE email = 'vikarie@exempelby.example'"); n != 0 {
			t.Errorf("%d refused people created", n)
		}

		// Another service provider's assertion: the provider answers a
		// request with this browser's request ID, but for another
		// audience (a second service provider with the same ACS URL).
		x := e.client()
		toIdP := x.get("/login/saml")
		// (It shares this server's key, so the provider encrypts to a key
		// this server has and the audience is what decides.)
		other := saml.ServiceProvider{EntityID: "https://annan.example/saml", Key: spKey, Certificate: spCert,
			AcsURL: *mustURL(e.srv.URL + "/saml/acs"), MetadataURL: *mustURL("https://annan.example/saml")}
		idp.put(t, "/services/annan", string(mustXML(t, other.Metadata())))
		other.IDPMetadata = idp.IDP.Metadata()
		req, err := other.MakeAuthenticationRequest(idp.url+"/sso", saml.HTTPRedirectBinding, saml.HTTPPostBinding)
		if err != nil {
			t.Fatal(err)
		}
		req.ID = requestID(t, toIdP.header.Get("Location"))
		u, err := req.Redirect("", &other)
		if err != nil {
			t.Fatal(err)
		}
		redirect := response{status: http.StatusSeeOther, header: http.Header{"Location": {u.String()}}}
		acsURL, resp = x.atIdP(redirect, "officer")
		if r := x.acs(acsURL, resp, idp.url); r.status != http.StatusUnauthorized {
			t.Errorf("assertion for another audience: %d\n%s", r.status, r.body)
		}

		// Expired: the provider's clock 150 s behind, so its assertion's
		// 90 s have passed when it arrives.
		idp.clock.off.Store(int64(-150 * time.Second))
		z := e.client()
		acsURL, resp = z.atIdP(z.get("/login/saml"), "officer")
		idp.clock.off.Store(0)
		if r := z.acs(acsURL, resp, idp.url); r.status != http.StatusUnauthorized {
			t.Errorf("expired assertion: %d", r.status)
		}

		// A response posted without a sign-in begun in this browser
		// (login CSRF) is refused.
		w := e.client()
		acsURL, resp = w.atIdP(w.get("/login/saml"), "officer")
		victim := e.client()
		if r := victim.acs(acsURL, resp, idp.url); r.status != http.StatusUnauthorized {
			t.Errorf("posted into another browser: %d", r.status)
		}

		// Sign-out: single logout at the provider, back to /login, the
		// session gone here and at the provider.
		r = c.post("/logout", nil)
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), idp.url+"/slo?") {
			t.Fatalf("logout: %d %s", r.status, r.header.Get("Location"))
		}
		back := c.do(mustGet(r.header.Get("Location")))
		if back.status != http.StatusFound && back.status != http.StatusSeeOther || !strings.HasPrefix(back.header.Get("Location"), e.srv.URL+"/saml/slo?") {
			t.Fatalf("the provider's logout answered %d %s\n%s", back.status, back.header.Get("Location"), back.body)
		}
		if r := c.do(mustGet(back.header.Get("Location"))); r.status != http.StatusSeeOther || r.header.Get("Location") != "/login" {
			t.Errorf("/saml/slo: %d %s", r.status, r.header.Get("Location"))
		}
		if r := c.get("/cases"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
			t.Errorf("after sign-out /cases: %d %s", r.status, r.header.Get("Location"))
		}
		if page := c.do(mustGet(c.get("/login/saml").header.Get("Location"))); !strings.Contains(page.body, `name="password"`) {
			t.Errorf("the provider's session outlived the single logout:\n%s", page.body)
		}

		// Sign-out begun at the provider: it sends the browser here with
		// a LogoutRequest; this session ends and the browser goes back.
		r = k.do(mustGet(idp.url + "/logout"))
		if loc := r.header.Get("Location"); !strings.HasPrefix(loc, e.srv.URL+"/saml/slo?SAMLRequest=") {
			t.Fatalf("the provider's logout sent the browser to %q (%d)\n%s", loc, r.status, r.body)
		}
		back = k.do(mustGet(r.header.Get("Location")))
		if back.status != http.StatusSeeOther || !strings.HasPrefix(back.header.Get("Location"), idp.url+"/slo?SAMLResponse=") {
			t.Fatalf("/saml/slo with a LogoutRequest: %d %s\n%s", back.status, back.header.Get("Location"), back.body)
		}
		if r := k.get("/cases"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
			t.Errorf("after the provider's sign-out /cases: %d", r.status)
		}
		if r := k.do(mustGet(back.header.Get("Location"))); r.status >= 400 {
			t.Errorf("the provider refused the LogoutResponse: %d\n%s", r.status, r.body)
		}
	})
}

func mustXML(t *testing.T, v any) []byte {
	t.Helper()
	b, err := xml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
