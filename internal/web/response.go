package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/chart"
)

// Files the server sends: every download goes through download or
// showFile (or downloadHeaders when the body is streamed), so each has a
// Content-Disposition written by contentDisposition and is never cached.

// download writes body as a file the browser saves under filename.
func download(w http.ResponseWriter, filename, contentType string, body []byte) error {
	return writeFile(w, "attachment", filename, contentType, body)
}

// showFile writes body as a file the browser shows itself (a PDF in its
// viewer), saved under filename when the user saves it.
func showFile(w http.ResponseWriter, filename, contentType string, body []byte) error {
	return writeFile(w, "inline", filename, contentType, body)
}

// downloadHeaders sets the headers of a download whose body the caller
// then streams to w.
func downloadHeaders(w http.ResponseWriter, filename, contentType string) {
	fileHeaders(w, "attachment", filename, contentType)
}

func writeFile(w http.ResponseWriter, disposition, filename, contentType string, body []byte) error {
	fileHeaders(w, disposition, filename, contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, err := w.Write(body)
	return err
}

func fileHeaders(w http.ResponseWriter, disposition, filename, contentType string) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", contentDisposition(disposition, filename))
	h.Set("Cache-Control", "private, no-store")
}

// contentDisposition writes a Content-Disposition header value (RFC 6266)
// for disposition ("attachment" or "inline") and filename. A name of
// plain printable ASCII goes as filename="..."; any other name gets an
// ASCII stand-in there (å → a, others _) and the exact name, UTF-8 and
// percent-encoded, in the filename* parameter (RFC 5987/8187), which
// browsers prefer. Quotes, backslashes, control characters and path separators
// never reach the header as themselves, so a name cannot end the value or
// the header, nor name a folder.
func contentDisposition(disposition, filename string) string {
	name := strings.Map(func(r rune) rune {
		switch {
		case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || r == '/' || r == '\\':
			return '_'
		}
		return r
	}, strings.TrimSpace(filename))
	if name == "" || strings.Trim(name, ".") == "" {
		name = "download"
	}
	var fallback strings.Builder
	plain := true
	for _, r := range name {
		switch {
		case r == '"' || r == '%':
			plain = false
			fallback.WriteByte('_')
		case r < 0x80:
			fallback.WriteRune(r)
		default:
			plain = false
			fallback.WriteString(asciiFor(r))
		}
	}
	v := disposition + `; filename="` + fallback.String() + `"`
	if plain {
		return v
	}
	return v + "; filename*=UTF-8''" + pctEncode(name)
}

// asciiFor is an ASCII stand-in for a non-ASCII letter of a file name.
func asciiFor(r rune) string {
	switch r {
	case 'å', 'ä', 'á', 'à', 'â', 'ã':
		return "a"
	case 'Å', 'Ä', 'Á', 'À', 'Â', 'Ã':
		return "A"
	case 'ö', 'ø', 'ó', 'ò', 'ô', 'õ':
		return "o"
	case 'Ö', 'Ø', 'Ó', 'Ò', 'Ô', 'Õ':
		return "O"
	case 'é', 'è', 'ê', 'ë':
		return "e"
	case 'É', 'È', 'Ê', 'Ë':
		return "E"
	case 'ü', 'ú', 'ù', 'û':
		return "u"
	case 'Ü', 'Ú', 'Ù', 'Û':
		return "U"
	case 'í', 'ì', 'î', 'ï':
		return "i"
	case 'ç':
		return "c"
	case 'ñ':
		return "n"
	case 'ß':
		return "ss"
	case 'æ':
		return "ae"
	case 'Æ':
		return "AE"
	}
	return "_"
}

// pctEncode encodes s for an RFC 8187 ext-value: attr-chars stay, every
// other byte of its UTF-8 becomes %XX.
func pctEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// sendSVG serves a chart drawn as its own SVG document (chart.Empty when
// b is nil: the page says why there is none). Its own CSP lets the SVG's
// style attributes apply when it is opened on its own, and allows nothing
// else.
func sendSVG(w http.ResponseWriter, b []byte) error {
	if b == nil {
		b = chart.Empty
	}
	h := w.Header()
	h.Set("Content-Type", "image/svg+xml")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	h.Set("Cache-Control", "private, max-age=300")
	_, err := w.Write(b)
	return err
}
