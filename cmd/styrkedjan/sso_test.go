package main

import (
	"context"
	"strings"
	"testing"
)

// TestSSOConfig: secrets of single sign-on are masked, and settings that
// would lock everyone out or leave the guardian key out are refused.
func TestSSOConfig(t *testing.T) {
	env := map[string]string{"STYRKEDJAN_DB": "sqlite:x.db", "STYRKEDJAN_OIDC_CLIENT_SECRET": "oidc-hemligt",
		"STYRKEDJAN_GUARDIAN_KEY": strings.Repeat("n", 32)}
	getenv := func(k string) string { return env[k] }
	cfg := func(args ...string) (int, string, string) {
		var out, errOut syncBuffer
		code := run(context.Background(), append([]string{"config"}, args...), getenv, nil, &out, &errOut)
		return code, out.String(), errOut.String()
	}
	code, out, errOut := cfg("--oidc-issuer", "https://login.kommun.example", "--oidc-client-id", "styrkedjan", "--oidc-groups", "groups.toml",
		"--guardian-oidc-issuer", "https://eid.example", "--guardian-oidc-client-id", "sd", "--local-passwords=false")
	if code != 0 || strings.Contains(out, "hemligt") || strings.Contains(out, "nnnn") || !strings.Contains(out, "login.kommun.example") {
		t.Fatalf("config: %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = cfg("--saml-metadata", "https://adfs.kommun.example/FederationMetadata/2007-06/FederationMetadata.xml",
		"--saml-key", "/etc/styrkedjan/saml.key", "--saml-cert", "/etc/styrkedjan/saml.crt", "--saml-groups", "groups.toml",
		"--saml-groups-attribute", "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups", "--local-passwords=false")
	if code != 0 || !strings.Contains(out, "FederationMetadata.xml") || !strings.Contains(out, "/etc/styrkedjan/saml.key") ||
		!strings.Contains(out, "identity/claims/groups") {
		t.Fatalf("config with SAML: %d\n%s%s", code, out, errOut)
	}
	for _, bad := range [][]string{
		{"--saml-metadata", "idp.xml"},
		{"--saml-key", "sp.key"},
		{"--local-passwords=false"},
		{"--oidc-issuer", "https://login.kommun.example"},
		{"--oidc-client-id", "x"},
	} {
		if code, _, errOut := cfg(bad...); code == 0 || errOut == "" {
			t.Errorf("%v accepted", bad)
		}
	}
	delete(env, "STYRKEDJAN_GUARDIAN_KEY")
	if code, _, errOut := cfg("--guardian-oidc-issuer", "https://eid.example", "--guardian-oidc-client-id", "sd"); code == 0 || !strings.Contains(errOut, "GUARDIAN_KEY") {
		t.Errorf("no guardian key: %d %s", code, errOut)
	}
}
