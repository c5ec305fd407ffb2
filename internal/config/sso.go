package config

import (
	"errors"
	"flag"
	"fmt"
	"strconv"

	"github.com/styrkedjan/styrkedjan/internal/sso"
)

// SSO is the single sign-on configuration (issue 13): the staff's
// OpenID Connect provider, the guardians' e-identification broker, and
// whether local passwords stay on. Secrets come from the environment
// only (flags show in ps).
type SSO struct {
	Issuer, ClientID, ClientSecret, RedirectURL, Scopes string
	Groups                                              string // the group mapping file (sso.Mapping)

	GuardianIssuer, GuardianClientID, GuardianClientSecret, GuardianRedirectURL, GuardianScopes string
	GuardianPINClaim                                                                            string
	GuardianKey                                                                                 string

	// SAML 2.0 for staff: the identity provider's metadata (URL or
	// file), this service's entity ID (default BASE-URL/saml/metadata),
	// its key and certificate files (PEM), the group mapping file, and
	// the attributes with the e-mail address, the name and the groups.
	SAMLMetadata, SAMLEntityID, SAMLKey, SAMLCert, SAMLGroups  string
	SAMLEmailAttribute, SAMLNameAttribute, SAMLGroupsAttribute string

	LocalPasswords bool
}

func (c *Config) ssoFlags(fs *flag.FlagSet, env func(name, def string) string) {
	s := &c.SSO
	fs.StringVar(&s.Issuer, "oidc-issuer", env("OIDC_ISSUER", s.Issuer), "staff single sign-on: the OpenID Connect provider's issuer URL (env STYRKEDJAN_OIDC_ISSUER)")
	fs.StringVar(&s.ClientID, "oidc-client-id", env("OIDC_CLIENT_ID", s.ClientID), "staff single sign-on: client id (env STYRKEDJAN_OIDC_CLIENT_ID; the secret only in STYRKEDJAN_OIDC_CLIENT_SECRET)")
	s.ClientSecret = env("OIDC_CLIENT_SECRET", s.ClientSecret)
	fs.StringVar(&s.RedirectURL, "oidc-redirect-url", env("OIDC_REDIRECT_URL", s.RedirectURL), "staff single sign-on: redirect URL registered at the provider (default BASE-URL/login/sso/callback)")
	fs.StringVar(&s.Scopes, "oidc-scopes", env("OIDC_SCOPES", s.Scopes), "staff single sign-on: scopes besides openid, space-separated")
	fs.StringVar(&s.Groups, "oidc-groups", env("OIDC_GROUPS", s.Groups), "staff single sign-on: the group mapping file (TOML: groups to roles and units)")
	fs.StringVar(&s.GuardianIssuer, "guardian-oidc-issuer", env("GUARDIAN_OIDC_ISSUER", s.GuardianIssuer), "guardians' e-identification: the OIDC broker's issuer URL")
	fs.StringVar(&s.GuardianClientID, "guardian-oidc-client-id", env("GUARDIAN_OIDC_CLIENT_ID", s.GuardianClientID), "guardians' e-identification: client id (the secret only in STYRKEDJAN_GUARDIAN_OIDC_CLIENT_SECRET)")
	s.GuardianClientSecret = env("GUARDIAN_OIDC_CLIENT_SECRET", s.GuardianClientSecret)
	fs.StringVar(&s.GuardianRedirectURL, "guardian-oidc-redirect-url", env("GUARDIAN_OIDC_REDIRECT_URL", s.GuardianRedirectURL), "guardians' e-identification: redirect URL (default BASE-URL/login/e-id/callback)")
	fs.StringVar(&s.GuardianScopes, "guardian-oidc-scopes", env("GUARDIAN_OIDC_SCOPES", s.GuardianScopes), "guardians' e-identification: scopes besides openid")
	fs.StringVar(&s.GuardianPINClaim, "guardian-pin-claim", env("GUARDIAN_PIN_CLAIM", s.GuardianPINClaim), "guardians' e-identification: the claim with the personal identity number")
	s.GuardianKey = env("GUARDIAN_KEY", s.GuardianKey) // environment only
	fs.StringVar(&s.SAMLMetadata, "saml-metadata", env("SAML_METADATA", s.SAMLMetadata), "staff SAML sign-in: the identity provider's metadata, an http(s) URL or a file (env STYRKEDJAN_SAML_METADATA)")
	fs.StringVar(&s.SAMLEntityID, "saml-entity-id", env("SAML_ENTITY_ID", s.SAMLEntityID), "staff SAML sign-in: this service's entity ID (default BASE-URL/saml/metadata)")
	fs.StringVar(&s.SAMLKey, "saml-key", env("SAML_KEY", s.SAMLKey), "staff SAML sign-in: this service's private key file (PEM), the same on every server")
	fs.StringVar(&s.SAMLCert, "saml-cert", env("SAML_CERT", s.SAMLCert), "staff SAML sign-in: this service's certificate file (PEM), published in its metadata")
	fs.StringVar(&s.SAMLGroups, "saml-groups", env("SAML_GROUPS", s.SAMLGroups), "staff SAML sign-in: the group mapping file (TOML: groups to roles and units, as --oidc-groups)")
	fs.StringVar(&s.SAMLEmailAttribute, "saml-email-attribute", env("SAML_EMAIL_ATTRIBUTE", s.SAMLEmailAttribute), "staff SAML sign-in: the attribute (Name or FriendlyName) with the e-mail address")
	fs.StringVar(&s.SAMLNameAttribute, "saml-name-attribute", env("SAML_NAME_ATTRIBUTE", s.SAMLNameAttribute), "staff SAML sign-in: the attribute with the person's name")
	fs.StringVar(&s.SAMLGroupsAttribute, "saml-groups-attribute", env("SAML_GROUPS_ATTRIBUTE", s.SAMLGroupsAttribute), "staff SAML sign-in: the attribute with the groups (default: the mapping file's claim)")
	fs.BoolVar(&s.LocalPasswords, "local-passwords", env("LOCAL_PASSWORDS", strconv.FormatBool(s.LocalPasswords)) == "true", "allow signing in with a local password (false: single sign-on only)")
}

func (c *Config) validateSSO() []error {
	s := c.SSO
	var errs []error
	if s.Issuer != "" {
		if s.ClientID == "" || s.Groups == "" {
			errs = append(errs, errors.New("--oidc-issuer needs --oidc-client-id and --oidc-groups (the group mapping file)"))
		}
	} else if s.ClientID != "" || s.Groups != "" {
		errs = append(errs, errors.New("--oidc-client-id and --oidc-groups need --oidc-issuer"))
	}
	if s.SAMLMetadata != "" {
		if s.SAMLKey == "" || s.SAMLCert == "" || s.SAMLGroups == "" {
			errs = append(errs, errors.New("--saml-metadata needs --saml-key, --saml-cert and --saml-groups (the group mapping file)"))
		}
	} else if s.SAMLKey != "" || s.SAMLCert != "" || s.SAMLGroups != "" || s.SAMLEntityID != "" {
		errs = append(errs, errors.New("--saml-key, --saml-cert, --saml-groups and --saml-entity-id need --saml-metadata"))
	}
	if !s.LocalPasswords && s.Issuer == "" && s.SAMLMetadata == "" {
		errs = append(errs, errors.New("--local-passwords=false needs single sign-on (--oidc-issuer or --saml-metadata), or nobody can sign in"))
	}
	if s.GuardianIssuer != "" {
		if s.GuardianClientID == "" {
			errs = append(errs, errors.New("--guardian-oidc-issuer needs --guardian-oidc-client-id"))
		}
		if len(s.GuardianKey) < sso.MinGuardianKey {
			errs = append(errs, fmt.Errorf("--guardian-oidc-issuer needs STYRKEDJAN_GUARDIAN_KEY of at least %d characters (the same on every server)", sso.MinGuardianKey))
		}
	}
	return errs
}

func (c *Config) ssoRows(mask func(string) string) [][2]string {
	s := c.SSO
	return [][2]string{
		{"oidc-issuer", s.Issuer},
		{"oidc-client-id", s.ClientID},
		{"oidc-client-secret", mask(s.ClientSecret)},
		{"oidc-redirect-url", s.RedirectURL},
		{"oidc-scopes", s.Scopes},
		{"oidc-groups", s.Groups},
		{"guardian-oidc-issuer", s.GuardianIssuer},
		{"guardian-oidc-client-id", s.GuardianClientID},
		{"guardian-oidc-client-secret", mask(s.GuardianClientSecret)},
		{"guardian-oidc-redirect-url", s.GuardianRedirectURL},
		{"guardian-oidc-scopes", s.GuardianScopes},
		{"guardian-pin-claim", s.GuardianPINClaim},
		{"guardian-key", mask(s.GuardianKey)},
		{"saml-metadata", s.SAMLMetadata},
		{"saml-entity-id", s.SAMLEntityID},
		{"saml-key", s.SAMLKey}, // a file name; the key stays in the file
		{"saml-cert", s.SAMLCert},
		{"saml-groups", s.SAMLGroups},
		{"saml-email-attribute", s.SAMLEmailAttribute},
		{"saml-name-attribute", s.SAMLNameAttribute},
		{"saml-groups-attribute", s.SAMLGroupsAttribute},
		{"local-passwords", strconv.FormatBool(s.LocalPasswords)},
	}
}
