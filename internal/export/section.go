package export

import (
	"fmt"
	"html"
)

// Section starts a part of the document in a language of its own — one
// letter of a batch, each in its reader's language — on a new page
// unless it is the first thing in the document. The tagged PDF marks the
// part's language (and right-to-left direction for Arabic and Persian),
// so a screen reader reads each letter in its language. The untagged
// fallback starts the new page only.
func (d *Doc) Section(lang string, newPage bool) {
	d.h.close()
	d.h.closeSection()
	dir := "ltr"
	if lang == "ar" || lang == "fa" {
		dir = "rtl"
	}
	class := ""
	if newPage {
		class = ` style="break-before:page"`
		d.f.AddPage()
		d.color()
	}
	fmt.Fprintf(&d.h.b, "<section lang=\"%s\" dir=\"%s\"%s>\n", html.EscapeString(lang), dir, class)
	d.h.sections++
}

func (h *htmlDoc) closeSection() {
	for ; h.sections > 0; h.sections-- {
		h.b.WriteString("</section>\n")
	}
}
