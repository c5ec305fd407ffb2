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
	if !s.LocalPasswords && s.Issuer == "" {
		errs = append(errs, errors.New("--local-passwords=false needs single sign-on (--oidc-issuer), or nobody can sign in"))
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
		{"local-passwords", strconv.FormatBool(s.LocalPasswords)},
	}
}
