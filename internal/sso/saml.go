package sso

import (
	"context"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/crewjam/saml"
	"github.com/crewjam/saml/samlsp"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/styrkedjan/styrkedjan/internal/store"
)

// SAML 2.0 for staff (issue 13), the service provider side, with
// crewjam/saml: the HTTP-Redirect binding for the AuthnRequest and the
// LogoutRequest, the HTTP-POST binding for the answer at the ACS. What
// the library checks of every answer: the XML signature against the
// identity provider's certificates from its metadata (the Response or
// the Assertion must be signed), the issuer, the Destination and the
// Recipient (this service's ACS URL), the audience (this service's entity
// ID), NotBefore/NotOnOrAfter and the IssueInstant within its clock skew
// (saml.MaxClockSkew, three minutes) and issue delay (saml.MaxIssueDelay,
// 90 seconds), InResponseTo equal to the one request ID the caller passes
// (the sign-in begun in this browser), and each assertion ID accepted only
// once (ReplayCache, in the database for every server). What this file
// adds: the configuration, the metadata (fetched on first use and again a
// day later), the refusal of transient NameIDs, and the mapping of the
// assertion to Claims for SignInStaff.

// SAMLConfig is one SAML identity provider as the operator configures it.
type SAMLConfig struct {
	Metadata string // the identity provider's metadata: an http(s) URL or a file
	BaseURL  string // this service's public URL; its SAML endpoints are BaseURL/saml/metadata, /saml/acs, /saml/slo
	EntityID string // this service's entity ID ("" = BaseURL/saml/metadata)
	KeyFile  string // this service's private key (PEM), signs requests
	CertFile string // its certificate (PEM), published in the metadata

	// The attributes (by Name or FriendlyName) with the e-mail address
	// and the display name; the groups attribute is the mapping's claim.
	EmailAttribute, NameAttribute string

	// HTTPClient fetches the metadata; nil is a client with a 15-second timeout.
	HTTPClient *http.Client
}

// Validate reports what is missing or malformed.
func (c SAMLConfig) Validate() error {
	var errs []error
	if c.Metadata == "" {
		errs = append(errs, errors.New("the identity provider's metadata (URL or file) is missing"))
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		errs = append(errs, fmt.Errorf("base URL %q: want an http(s) URL", c.BaseURL))
	}
	if c.KeyFile == "" || c.CertFile == "" {
		errs = append(errs, errors.New("the service provider's key and certificate files are missing"))
	}
	return errors.Join(errs...)
}

// SAML is a configured SAML service provider for staff sign-in.
type SAML struct {
	cfg  SAMLConfig
	key  crypto.Signer
	cert *x509.Certificate
	acs  url.URL
	slo  url.URL
	meta url.URL

	mu      sync.Mutex
	idp     *saml.EntityDescriptor
	fetched time.Time
}

// metadataMaxAge is how long fetched metadata is used before it is
// fetched again (a failed fetch keeps the old one).
const metadataMaxAge = 24 * time.Hour

// NewSAML checks cfg and reads the key and certificate; the metadata is
// read on first use, so the service starts while the provider is away.
func NewSAML(cfg SAMLConfig) (*SAML, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	pair, err := tls.LoadX509KeyPair(cfg.CertFile, cfg.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("saml: service provider key and certificate: %w", err)
	}
	signer, ok := pair.PrivateKey.(crypto.Signer)
	if !ok || pair.Leaf == nil {
		return nil, errors.New("saml: the service provider key cannot sign")
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	base := strings.TrimSuffix(cfg.BaseURL, "/")
	s := &SAML{cfg: cfg, key: signer, cert: pair.Leaf}
	for u, path := range map[*url.URL]string{&s.acs: "/saml/acs", &s.slo: "/saml/slo", &s.meta: "/saml/metadata"} {
		p, err := url.Parse(base + path)
		if err != nil {
			return nil, err
		}
		*u = *p
	}
	if s.cfg.EntityID == "" {
		s.cfg.EntityID = s.meta.String()
	}
	return s, nil
}

// EntityID is this service's entity ID.
func (s *SAML) EntityID() string { return s.cfg.EntityID }

// provider returns the service provider with the identity provider's
// metadata, a clock at now and the replay cache (nil for none).
func (s *SAML) provider(ctx context.Context, now time.Time, replay saml.AssertionReplayCache) (*saml.ServiceProvider, error) {
	idp, err := s.idpMetadata(ctx, now)
	if err != nil {
		return nil, err
	}
	return s.serviceProvider(idp, now, replay), nil
}

func (s *SAML) serviceProvider(idp *saml.EntityDescriptor, now time.Time, replay saml.AssertionReplayCache) *saml.ServiceProvider {
	return &saml.ServiceProvider{
		EntityID:          s.cfg.EntityID,
		Key:               s.key,
		Certificate:       s.cert,
		MetadataURL:       s.meta,
		AcsURL:            s.acs,
		SloURL:            s.slo,
		IDPMetadata:       idp,
		AuthnNameIDFormat: saml.PersistentNameIDFormat,
		// AuthnRequests go unsigned (optional in Web SSO; an identity
		// provider's login form commonly re-posts the request without the
		// redirect binding's query signature), LogoutRequests signed.
		LogoutSignatureMethod: dsig.RSASHA256SignatureMethod,
		LogoutBindings:        []string{saml.HTTPRedirectBinding},
		RejectSHA1Signatures:  true,
		ReplayCache:           replay,
		Clock:                 dsig.NewFakeClockAt(now),
	}
}

func (s *SAML) idpMetadata(ctx context.Context, now time.Time) (*saml.EntityDescriptor, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.idp != nil && now.Sub(s.fetched) < metadataMaxAge {
		return s.idp, nil
	}
	var idp *saml.EntityDescriptor
	var err error
	if u, perr := url.Parse(s.cfg.Metadata); perr == nil && (u.Scheme == "https" || u.Scheme == "http") {
		idp, err = samlsp.FetchMetadata(ctx, s.cfg.HTTPClient, *u)
	} else {
		var b []byte
		if b, err = os.ReadFile(s.cfg.Metadata); err == nil {
			idp, err = samlsp.ParseMetadata(b)
		}
	}
	if err != nil {
		if s.idp != nil {
			return s.idp, nil // keep the metadata we have
		}
		return nil, fmt.Errorf("saml: identity provider metadata %s: %w", s.cfg.Metadata, err)
	}
	s.idp, s.fetched = idp, now
	return idp, nil
}

// Metadata is this service provider's metadata document (XML). It needs
// nothing of the identity provider, whose administrator may ask for it
// first.
func (s *SAML) Metadata(now time.Time) ([]byte, error) {
	return xmlBytes(s.serviceProvider(nil, now, nil).Metadata())
}

// SAMLPending is a SAML sign-in under way: the AuthnRequest's ID and
// where to go afterwards, kept on the server between Begin and Finish.
type SAMLPending struct {
	RequestID string
	Next      string
	Started   time.Time
}

// Begin makes a signed AuthnRequest (HTTP-Redirect binding) and returns
// the URL to send the browser to and what Finish needs back.
func (s *SAML) Begin(ctx context.Context, next string, now time.Time) (string, SAMLPending, error) {
	sp, err := s.provider(ctx, now, nil)
	if err != nil {
		return "", SAMLPending{}, err
	}
	loc := sp.GetSSOBindingLocation(saml.HTTPRedirectBinding)
	if loc == "" {
		return "", SAMLPending{}, errors.New("saml: the identity provider offers no HTTP-Redirect sign-on service")
	}
	req, err := sp.MakeAuthenticationRequest(loc, saml.HTTPRedirectBinding, saml.HTTPPostBinding)
	if err != nil {
		return "", SAMLPending{}, err
	}
	u, err := req.Redirect("", sp)
	if err != nil {
		return "", SAMLPending{}, err
	}
	return u.String(), SAMLPending{RequestID: req.ID, Next: next, Started: now}, nil
}

// Finish checks the identity provider's answer (the SAMLResponse of the
// POST to the ACS) against the pending sign-in and returns the person's
// claims: Issuer is the identity provider's entity ID, Subject the NameID,
// Raw every attribute by Name and by FriendlyName (a list of strings).
// replay records accepted assertion IDs (NewReplayCache).
func (s *SAML) Finish(ctx context.Context, pend SAMLPending, samlResponse string, replay saml.AssertionReplayCache, now time.Time) (Claims, error) {
	if pend.RequestID == "" {
		return Claims{}, refused("no SAML sign-in was begun in this browser")
	}
	if now.Sub(pend.Started) > PendingLifetime || now.Before(pend.Started.Add(-time.Minute)) {
		return Claims{}, refused("the sign-in was begun more than %s ago", PendingLifetime)
	}
	raw, err := base64.StdEncoding.DecodeString(samlResponse)
	if err != nil || len(raw) == 0 {
		return Claims{}, refused("no SAMLResponse")
	}
	sp, err := s.provider(ctx, now, replay)
	if err != nil {
		return Claims{}, err
	}
	a, err := sp.ParseXMLResponse(raw, []string{pend.RequestID}, s.acs)
	if err != nil {
		var ire *saml.InvalidResponseError
		if errors.As(err, &ire) {
			err = ire.PrivateErr
		}
		return Claims{}, refused("SAML response: %v", err)
	}
	if a.Subject == nil || a.Subject.NameID == nil || strings.TrimSpace(a.Subject.NameID.Value) == "" {
		return Claims{}, refused("the assertion names no subject")
	}
	if a.Subject.NameID.Format == string(saml.TransientNameIDFormat) {
		return Claims{}, refused("a transient NameID names nobody from one sign-in to the next; configure a persistent NameID at the identity provider")
	}
	c := Claims{Issuer: sp.IDPMetadata.EntityID, Subject: a.Subject.NameID.Value, Raw: map[string]any{}}
	for _, st := range a.AttributeStatements {
		for _, at := range st.Attributes {
			var vals []any
			for _, v := range at.Values {
				vals = append(vals, v.Value)
			}
			for _, k := range []string{at.Name, at.FriendlyName} {
				if k != "" {
					if old, ok := c.Raw[k].([]any); ok {
						vals = append(old, vals...)
					}
					c.Raw[k] = vals
				}
			}
		}
	}
	c.Email = c.first(s.cfg.EmailAttribute)
	if c.Email == "" && a.Subject.NameID.Format == string(saml.EmailAddressNameIDFormat) {
		c.Email = a.Subject.NameID.Value
	}
	c.Name = c.first(s.cfg.NameAttribute)
	c.NameIDFormat = a.Subject.NameID.Format
	for _, st := range a.AuthnStatements {
		if st.SessionIndex != "" {
			c.SessionIndex = st.SessionIndex
		}
	}
	return c, nil
}

// first is the first value of attribute name, trimmed.
func (c Claims) first(name string) string {
	if v := c.Strings(name); len(v) > 0 {
		return strings.TrimSpace(v[0])
	}
	return ""
}

// SAMLSession is what sign-out needs of a SAML sign-in.
type SAMLSession struct {
	NameID, NameIDFormat, SessionIndex string
}

// LogoutURL is the identity provider's single logout service with a
// signed LogoutRequest for the session (HTTP-Redirect binding) and the
// request's ID, or "" when the provider offers no such service.
func (s *SAML) LogoutURL(ctx context.Context, sess SAMLSession, now time.Time) (string, string, error) {
	sp, err := s.provider(ctx, now, nil)
	if err != nil {
		return "", "", err
	}
	loc := sp.GetSLOBindingLocation(saml.HTTPRedirectBinding)
	if loc == "" || sess.NameID == "" {
		return "", "", nil
	}
	req, err := sp.MakeLogoutRequest(loc, sess.NameID, saml.WithSessionIndexes(sess.SessionIndex))
	if err != nil {
		return "", "", err
	}
	if sess.NameIDFormat != "" && req.NameID != nil {
		req.NameID.Format = sess.NameIDFormat // as issued
	}
	u, err := sp.RedirectLogoutRequestURL(req, "")
	if err != nil {
		return "", "", err
	}
	return u.String(), req.ID, nil
}

// FinishLogout checks the identity provider's LogoutResponse (the query
// of GET /saml/slo) against the LogoutRequest sent.
func (s *SAML) FinishLogout(ctx context.Context, r *http.Request, requestID string, now time.Time) error {
	if requestID == "" {
		return refused("no single logout was begun in this browser")
	}
	sp, err := s.provider(ctx, now, nil)
	if err != nil {
		return err
	}
	resp, err := sp.ParseLogoutResponse(r, []string{requestID})
	if err != nil {
		var ire *saml.InvalidResponseError
		if errors.As(err, &ire) {
			err = ire.PrivateErr
		}
		return refused("logout response: %v", err)
	}
	if resp.Status.StatusCode.Value != saml.StatusSuccess {
		return refused("the identity provider answered %s", resp.Status.StatusCode.Value)
	}
	return nil
}

// IdPLogout checks a LogoutRequest the identity provider sent through
// the browser (IdP-initiated single logout, HTTP-Redirect binding; signed,
// addressed to this service, not replayed) and returns the NameID it
// names and the URL of the signed LogoutResponse to send the browser back
// with. The caller ends the session if it is that NameID's.
func (s *SAML) IdPLogout(ctx context.Context, r *http.Request, replay saml.AssertionReplayCache, now time.Time) (string, string, error) {
	sp, err := s.provider(ctx, now, replay)
	if err != nil {
		return "", "", err
	}
	req, err := sp.ValidateLogoutRequest(r)
	if err != nil {
		var ire *saml.InvalidResponseError
		if errors.As(err, &ire) {
			err = ire.PrivateErr
		}
		return "", "", refused("logout request: %v", err)
	}
	if req.NameID == nil || req.NameID.Value == "" {
		return "", "", refused("the logout request names nobody")
	}
	sp.SignatureMethod = dsig.RSASHA256SignatureMethod // the response's query signature
	u, err := sp.MakeRedirectLogoutResponse(req.ID, r.URL.Query().Get("RelayState"))
	if err != nil {
		return "", "", err
	}
	return req.NameID.Value, u.String(), nil
}

// ReplayCache records accepted assertion IDs in the database
// (saml_assertions), so that an assertion is accepted once on whichever
// server it arrives; rows are dropped once their assertion has expired.
type ReplayCache struct {
	Ctx context.Context
	DB  store.Q
}

// Consume implements saml.AssertionReplayCache.
func (c ReplayCache) Consume(id string, expiresAt time.Time) error {
	now := store.Now()
	if _, err := c.DB.Exec(c.Ctx, "DELETE FROM saml_assertions WHERE expires_at < ?", now); err != nil {
		return err
	}
	res, err := c.DB.Exec(c.Ctx, "INSERT INTO saml_assertions (id, expires_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING",
		id, expiresAt.UTC().Truncate(time.Microsecond))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return saml.ErrAssertionReplayed
	}
	return nil
}

func xmlBytes(v any) ([]byte, error) {
	b, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), b...), nil
}
