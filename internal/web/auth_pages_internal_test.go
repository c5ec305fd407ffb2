package web

import (
	"fmt"
	"net/url"
	"testing"
)

// TestRedirectLocalPath is the table of hostile redirect targets for the
// sign-in page and the language switch: none may leave the site.
func TestRedirectLocalPath(t *testing.T) {
	good := []string{"/", "/units", "/cases/12?tab=events", "/login?next=%2Fpeople", "/unitpicture/units/5#chart",
		"/a%20b", "/%252F/evil.example"} // decoded once, still one path on this site
	for _, p := range good {
		if got := localPath(p); got != p {
			t.Errorf("localPath(%q) = %q, want it kept", p, got)
		}
	}
	bad := []string{"", "units", "https://evil.example/", "http:/evil.example", "javascript:alert(1)",
		"//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example", "/\\/evil.example",
		"/%09/evil.example", "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", " /evil", "/ /evil.example",
		"/%2F/evil.example", "/%2f/evil.example", "/%5C/evil.example", "/%5c%5cevil.example", "/%0A/evil.example",
		"/%00/evil", "/%7F/evil", "/%/evil", "//user@evil.example", "/\u3000/evil.example", "/\uff0f/evil.example",
		"/\u2028/evil", "%2F%2Fevil.example", "/" + string(make([]byte, 2001))}
	// Every ASCII control character, raw and encoded, where a browser's
	// stripping of tabs and newlines would join "/" and "/".
	for c := 0; c < 0x20; c++ {
		bad = append(bad, "/"+string(rune(c))+"/evil.example", fmt.Sprintf("/%%%02X/evil.example", c),
			string(rune(c))+"//evil.example", "/units"+string(rune(c)))
	}
	bad = append(bad, "/\x7f/evil.example")
	for _, p := range bad {
		if got := localPath(p); got != "/" {
			t.Errorf("localPath(%q) = %q, want /", p, got)
		}
		// Whatever comes through is a path on this site as a URL parser
		// reads it.
		if u, err := url.Parse(localPath(p)); err != nil || u.Host != "" || u.Scheme != "" {
			t.Errorf("localPath(%q) leaves the site", p)
		}
	}
}
