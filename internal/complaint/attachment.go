package complaint

import (
	"net/http"
	"path"
	"strings"
	"unicode"
)

// Attachment limits.
const (
	MaxAttachments     = 5
	MaxAttachmentBytes = 10 << 20
)

// allowedTypes are the attachment types accepted, as sniffed from content.
var allowedTypes = map[string]string{
	"application/pdf": ".pdf",
	"image/jpeg":      ".jpg",
	"image/png":       ".png",
	"image/gif":       ".gif",
	"image/webp":      ".webp",
}

// NewAttachment decides a file's type from its content and sanitises its
// name; the name the browser sent is only a hint for the user.
func NewAttachment(filename string, data []byte) Attachment {
	ct := http.DetectContentType(data)
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	return Attachment{Filename: SanitizeFilename(filename, allowedTypes[ct]), ContentType: ct, Data: data}
}

// check returns the message ID of what is wrong with the attachment, or "".
func (a Attachment) check() string {
	switch {
	case len(a.Data) == 0:
		return "field.attachment_empty"
	case len(a.Data) > MaxAttachmentBytes:
		return "field.attachment_size"
	case allowedTypes[a.ContentType] == "":
		return "field.attachment_type"
	}
	return ""
}

// SanitizeFilename keeps a file name safe to store and to send back in a
// Content-Disposition header: no directories, no control or reserved
// characters, at most 100 characters, and the extension that matches the
// content.
func SanitizeFilename(name, ext string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.TrimSuffix(name, path.Ext(name))
	name = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r):
			return r
		case r == ' ', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, name)
	name = strings.Trim(name, " ._")
	if r := []rune(name); len(r) > 100 {
		name = string(r[:100])
	}
	if name == "" {
		name = "bilaga"
	}
	return name + ext
}
