package main

import (
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/config"
	"github.com/styrkedjan/styrkedjan/internal/sso"
	"github.com/styrkedjan/styrkedjan/internal/web"
)

// withSSO sets the single sign-on parts of opts from the configuration:
// the staff's provider and group mapping, the guardians' broker, and
// whether local passwords are on. Providers are contacted on first use.
func withSSO(opts *web.Options, c config.SSO, publicURL string) error {
	opts.NoPasswords = !c.LocalPasswords
	if c.Issuer != "" {
		redirect := c.RedirectURL
		if redirect == "" {
			redirect = publicURL + "/login/sso/callback"
		}
		p, err := sso.New(sso.Config{Issuer: c.Issuer, ClientID: c.ClientID, ClientSecret: c.ClientSecret,
			RedirectURL: redirect, Scopes: strings.Fields(c.Scopes)})
		if err != nil {
			return err
		}
		m, err := sso.LoadMapping(c.Groups)
		if err != nil {
			return err
		}
		opts.StaffSSO, opts.StaffMapping = p, m
	}
	if c.SAMLMetadata != "" {
		sp, err := sso.NewSAML(sso.SAMLConfig{Metadata: c.SAMLMetadata, BaseURL: publicURL, EntityID: c.SAMLEntityID,
			KeyFile: c.SAMLKey, CertFile: c.SAMLCert, EmailAttribute: c.SAMLEmailAttribute, NameAttribute: c.SAMLNameAttribute})
		if err != nil {
			return err
		}
		m, err := sso.LoadMapping(c.SAMLGroups)
		if err != nil {
			return err
		}
		if c.SAMLGroupsAttribute != "" {
			m.Claim = c.SAMLGroupsAttribute
		}
		opts.StaffSAML, opts.SAMLMapping = sp, m
	}
	if c.GuardianIssuer != "" {
		redirect := c.GuardianRedirectURL
		if redirect == "" {
			redirect = publicURL + "/login/e-id/callback"
		}
		p, err := sso.New(sso.Config{Issuer: c.GuardianIssuer, ClientID: c.GuardianClientID, ClientSecret: c.GuardianClientSecret,
			RedirectURL: redirect, Scopes: strings.Fields(c.GuardianScopes)})
		if err != nil {
			return err
		}
		opts.GuardianSSO, opts.GuardianKey, opts.GuardianPINClaim = p, []byte(c.GuardianKey), c.GuardianPINClaim
	}
	return nil
}
