package export

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"time"
	"unicode/utf16"
)

// PDF/UA identification. Chromium's tagged PDF has the structure tree,
// the document language, MarkInfo and DisplayDocTitle, but no XMP
// metadata, which PDF/UA-1 requires and where it identifies itself
// (pdfuaid:part 1). identify appends an incremental update to the printed
// file: an XMP metadata stream (title, author, subject, language, dates,
// the PDF/UA part), a catalog that points to it (and says PDF 1.7, on
// which PDF/UA-1 is based), and an Info dictionary with the author and
// subject. The original bytes stay as they are.

var (
	reStartXref = regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`)
	reRoot      = regexp.MustCompile(`/Root\s+(\d+)\s+0\s+R`)
	reInfo      = regexp.MustCompile(`/Info\s+(\d+)\s+0\s+R`)
	reSize      = regexp.MustCompile(`/Size\s+(\d+)`)
)

func identify(pdf []byte, o PDFOptions) ([]byte, error) {
	m := reStartXref.FindSubmatch(pdf[max(0, len(pdf)-1024):]) // the file's last lines
	if m == nil {
		return nil, errors.New("pdf/ua: no startxref")
	}
	prev := string(m[1])
	tr := bytes.LastIndex(pdf, []byte("trailer"))
	if tr < 0 {
		return nil, errors.New("pdf/ua: no classic trailer")
	}
	trailer := pdf[tr:]
	rootM, sizeM := reRoot.FindSubmatch(trailer), reSize.FindSubmatch(trailer)
	if rootM == nil || sizeM == nil {
		return nil, errors.New("pdf/ua: trailer without /Root or /Size")
	}
	root, _ := strconv.Atoi(string(rootM[1]))
	size, _ := strconv.Atoi(string(sizeM[1]))
	catalog, err := objectDict(pdf, root)
	if err != nil {
		return nil, err
	}
	info := size + 1
	if infoM := reInfo.FindSubmatch(trailer); infoM != nil {
		info, _ = strconv.Atoi(string(infoM[1]))
	}
	meta := size

	created := o.Created
	if created.IsZero() {
		created = time.Now()
	}
	var out bytes.Buffer
	out.Write(pdf)
	if pdf[len(pdf)-1] != '\n' {
		out.WriteByte('\n')
	}
	offsets := map[int]int{}

	xmp := xmpPacket(o, created)
	offsets[meta] = out.Len()
	fmt.Fprintf(&out, "%d 0 obj\n<</Type /Metadata /Subtype /XML /Length %d>>\nstream\n%s\nendstream\nendobj\n", meta, len(xmp), xmp)

	cat := bytes.TrimSuffix(bytes.TrimSpace(catalog), []byte(">>"))
	offsets[root] = out.Len()
	fmt.Fprintf(&out, "%d 0 obj\n%s\n/Metadata %d 0 R\n/Version /1.7>>\nendobj\n", root, cat, meta)

	offsets[info] = out.Len()
	fmt.Fprintf(&out, "%d 0 obj\n<</Title %s", info, pdfString(o.Title))
	if o.Author != "" {
		fmt.Fprintf(&out, "\n/Author %s", pdfString(o.Author))
	}
	if o.Subject != "" {
		fmt.Fprintf(&out, "\n/Subject %s", pdfString(o.Subject))
	}
	fmt.Fprintf(&out, "\n/Creator (Styrkedjan)\n/Producer (Styrkedjan with Chromium)\n/CreationDate (%s)\n/ModDate (%s)>>\nendobj\n",
		pdfDate(created), pdfDate(created))

	newSize := max(size, meta+1, info+1)
	xref := out.Len()
	out.WriteString("xref\n0 1\n0000000000 65535 f \n")
	for _, n := range sortedKeys(offsets) {
		fmt.Fprintf(&out, "%d 1\n%010d 00000 n \n", n, offsets[n])
	}
	fmt.Fprintf(&out, "trailer\n<</Size %d\n/Root %d 0 R\n/Info %d 0 R\n/Prev %s>>\nstartxref\n%d\n%%%%EOF\n", newSize, root, info, prev, xref)
	return out.Bytes(), nil
}

func sortedKeys(m map[int]int) []int {
	return slices.Sorted(maps.Keys(m))
}

// objectStart returns where the body of object n's last definition starts,
// or -1. A file with one classic cross-reference table (what Chromium
// writes) says where: its entry for n is read directly. Otherwise the file
// is searched with a regular expression — a search that cost the board
// report most of its time when it always ran.
func objectStart(pdf []byte, n int) int {
	if off := xrefOffset(pdf, n); off >= 0 {
		head := []byte(strconv.Itoa(n) + " 0 obj")
		if bytes.HasPrefix(pdf[off:], head) {
			j := off + len(head)
			for j < len(pdf) && isPDFSpace(pdf[j]) {
				j++
			}
			return j
		}
	}
	re := regexp.MustCompile(`(?:^|[\r\n])` + strconv.Itoa(n) + `\s+0\s+obj\s*`)
	locs := re.FindAllIndex(pdf, -1)
	if locs == nil {
		return -1
	}
	return locs[len(locs)-1][1]
}

// xrefOffset returns the byte offset of object n from the file's last
// cross-reference table, or -1 when the table is not a classic one or an
// earlier update defines n (its trailer has /Prev).
func xrefOffset(pdf []byte, n int) int {
	m := reStartXref.FindSubmatch(pdf[max(0, len(pdf)-1024):])
	if m == nil {
		return -1
	}
	at, err := strconv.Atoi(string(m[1]))
	if err != nil || at < 0 || at >= len(pdf) || !bytes.HasPrefix(pdf[at:], []byte("xref")) {
		return -1
	}
	if tr := bytes.LastIndex(pdf, []byte("trailer")); tr < at || bytes.Contains(pdf[tr:], []byte("/Prev")) {
		return -1
	}
	rest := pdf[at+len("xref"):]
	for {
		rest = bytes.TrimLeft(rest, "\r\n \t")
		line, after, ok := bytes.Cut(rest, []byte("\n"))
		if !ok {
			return -1
		}
		f := bytes.Fields(line)
		if len(f) != 2 {
			return -1 // "trailer": n is not in the table
		}
		first, err1 := strconv.Atoi(string(f[0]))
		count, err2 := strconv.Atoi(string(f[1]))
		if err1 != nil || err2 != nil || count < 0 || len(after) < 20*count {
			return -1
		}
		if n >= first && n < first+count {
			e := after[20*(n-first) : 20*(n-first)+20]
			if e[17] != 'n' {
				return -1
			}
			off, err := strconv.Atoi(string(e[:10]))
			if err != nil || off >= len(pdf) {
				return -1
			}
			return off
		}
		rest = after[20*count:]
	}
}

// isPDFSpace reports PDF white space (ISO 32000-1, 7.2.2).
func isPDFSpace(c byte) bool {
	switch c {
	case 0, '\t', '\n', '\f', '\r', ' ':
		return true
	}
	return false
}

// objectDict returns the dictionary of object n (the last definition).
func objectDict(pdf []byte, n int) ([]byte, error) {
	start := objectStart(pdf, n)
	if start < 0 {
		return nil, fmt.Errorf("pdf/ua: object %d not found", n)
	}
	if !bytes.HasPrefix(pdf[start:], []byte("<<")) {
		return nil, fmt.Errorf("pdf/ua: object %d is not a dictionary", n)
	}
	depth := 0
	for i := start; i+1 < len(pdf); i++ {
		switch {
		case pdf[i] == '<' && pdf[i+1] == '<':
			depth++
			i++
		case pdf[i] == '>' && pdf[i+1] == '>':
			depth--
			i++
			if depth == 0 {
				return pdf[start : i+1], nil
			}
		case pdf[i] == '(':
			// skip a literal string (may hold brackets)
			lvl := 0
			for ; i < len(pdf); i++ {
				if pdf[i] == '\\' {
					i++
					continue
				}
				if pdf[i] == '(' {
					lvl++
				} else if pdf[i] == ')' {
					lvl--
					if lvl == 0 {
						break
					}
				}
			}
		}
	}
	return nil, fmt.Errorf("pdf/ua: object %d has no end", n)
}

// pdfString writes s as a PDF text string in UTF-16BE with a BOM.
func pdfString(s string) string {
	var b bytes.Buffer
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteString(">")
	return b.String()
}

func pdfDate(t time.Time) string {
	t = t.UTC()
	return "D:" + t.Format("20060102150405") + "Z"
}

// xmpPacket is the document's XMP metadata with the PDF/UA identification.
func xmpPacket(o PDFOptions, created time.Time) string {
	lang := o.Lang
	if lang == "" {
		lang = "sv"
	}
	esc := func(s string) string {
		var b bytes.Buffer
		for _, r := range s {
			switch r {
			case '<':
				b.WriteString("&lt;")
			case '>':
				b.WriteString("&gt;")
			case '&':
				b.WriteString("&amp;")
			case '"':
				b.WriteString("&quot;")
			default:
				if r >= 0x20 || r == '\t' || r == '\n' {
					b.WriteRune(r)
				}
			}
		}
		return b.String()
	}
	alt := func(tag, v string) string {
		if v == "" {
			return ""
		}
		return "<" + tag + "><rdf:Alt><rdf:li xml:lang=\"x-default\">" + esc(v) + "</rdf:li></rdf:Alt></" + tag + ">"
	}
	creator := ""
	if o.Author != "" {
		creator = "<dc:creator><rdf:Seq><rdf:li>" + esc(o.Author) + "</rdf:li></rdf:Seq></dc:creator>"
	}
	date := created.UTC().Format("2006-01-02T15:04:05Z")
	return `<?xpacket begin="` + "\ufeff" + `" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
<dc:format>application/pdf</dc:format>` + alt("dc:title", o.Title) + creator + alt("dc:description", o.Subject) +
		`<dc:language><rdf:Bag><rdf:li>` + esc(lang) + `</rdf:li></rdf:Bag></dc:language>
<xmp:CreatorTool>Styrkedjan</xmp:CreatorTool><xmp:CreateDate>` + date + `</xmp:CreateDate><xmp:ModifyDate>` + date + `</xmp:ModifyDate>
<pdf:Producer>Styrkedjan with Chromium</pdf:Producer>
<pdfuaid:part>1</pdfuaid:part>
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>`
}
