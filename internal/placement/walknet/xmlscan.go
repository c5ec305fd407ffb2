package walknet

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The OSM XML reader: a streaming scanner over a byte buffer that decodes
// only what the graph needs (node id, lat, lon; way id and nd refs; the tags
// walkable and the school features use) and skips the rest.
//
// It accepts the documents encoding/xml accepts (as used by osmxml, the
// reference reader) and reads the same values from them: its tokenizer
// follows encoding/xml's strict mode (names with at most one colon, quoted
// attribute values, the five predefined entities and character references,
// \r\n and \r read as \n, comments, CDATA, processing instructions with the
// <?xml?> version and encoding checks, directives, matching end tags, valid
// UTF-8 within the XML character range), and the elements mean what osmxml
// makes of them: <node>, <way>, <relation>, <changeset>, <note>, <user> and
// <bounds> (any case) at any depth outside another object are objects; a
// node's or way's direct <tag> children give tags (the first of a key
// counts), a way's direct <nd> children its refs; ids and refs are read
// like strconv.ParseInt, coordinates like strconv.ParseFloat (with the
// surrounding white space trimmed, an empty value is 0). It is more lenient
// than osmxml only in the attributes it does not need: a node's version or
// timestamp is not parsed, so a malformed one is not an error.
// xmlscan_test.go and FuzzXMLReader compare it with osmxml.

// xmlTok is the kind of token xmlReader.next returns.
type xmlTok int

const (
	tokEOF   xmlTok = iota // clean end of the document
	tokStart               // a start tag (selfClose tells whether it also ends)
	tokEnd                 // an end tag
)

// xmlAttr is an attribute of the current start tag: its local name and its
// decoded value, both in xmlReader.arena.
type xmlAttr struct{ ls, le, vs, ve int }

// xmlReader tokenizes XML from r.
type xmlReader struct {
	r    io.Reader
	ctx  context.Context
	buf  []byte
	pos  int
	end  int
	line int // newlines before buf[0]
	err  error

	// The current start tag: its raw name (prefix included), the local
	// part of it, its attributes, and whether it closes itself.
	name      []byte
	local     []byte
	attrs     []xmlAttr
	arena     []byte
	selfClose bool

	stack    []byte // raw names of the open elements, concatenated
	stackOff []int
	scratch  []byte // chardata, decoded for its checks only
}

func newXMLReader(ctx context.Context, r io.Reader) *xmlReader {
	if ctx == nil {
		ctx = context.Background()
	}
	return &xmlReader{r: r, ctx: ctx, buf: make([]byte, 256<<10)}
}

// errSyntax sets and returns a syntax error at the current line.
func (x *xmlReader) errSyntax(msg string) error {
	if x.err == nil || x.err == io.EOF {
		line := x.line + 1 + bytes.Count(x.buf[:x.pos], []byte{'\n'})
		x.err = fmt.Errorf("XML syntax error on line %d: %s", line, msg)
	}
	return x.err
}

// getc returns the next byte; false at the end of the input or on an error
// (in x.err; io.EOF at the end).
func (x *xmlReader) getc() (byte, bool) {
	if x.pos < x.end {
		b := x.buf[x.pos]
		x.pos++
		return b, true
	}
	return x.fill()
}

// fill reads the next part of the input and returns its first byte.
func (x *xmlReader) fill() (byte, bool) {
	if x.err != nil {
		return 0, false
	}
	if err := x.ctx.Err(); err != nil {
		x.err = err
		return 0, false
	}
	x.line += bytes.Count(x.buf[:x.end], []byte{'\n'})
	x.pos, x.end = 0, 0
	for range 100 {
		n, err := x.r.Read(x.buf)
		if n > 0 {
			x.end, x.pos = n, 1
			return x.buf[0], true
		}
		if err != nil {
			x.err = err
			return 0, false
		}
	}
	x.err = io.ErrNoProgress
	return 0, false
}

// mustgetc is getc where the end of the input is an error.
func (x *xmlReader) mustgetc() (byte, bool) {
	b, ok := x.getc()
	if !ok && x.err == io.EOF {
		x.errSyntax("unexpected EOF")
	}
	return b, ok
}

// ungetc steps back over the byte getc just returned.
func (x *xmlReader) ungetc() { x.pos-- }

// space skips white space.
func (x *xmlReader) space() {
	for {
		b, ok := x.getc()
		if !ok {
			return
		}
		switch b {
		case ' ', '\r', '\n', '\t':
		default:
			x.ungetc()
			return
		}
	}
}

func isNameByte(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '_' || c == ':' || c == '.' || c == '-'
}

// readName appends a name's bytes to dst (false if none is there).
func (x *xmlReader) readName(dst []byte) ([]byte, bool) {
	b, ok := x.mustgetc()
	if !ok {
		return dst, false
	}
	if b < utf8.RuneSelf && !isNameByte(b) {
		x.ungetc()
		return dst, false
	}
	dst = append(dst, b)
	for {
		// Names are short: scan the buffer directly.
		i := x.pos
		for i < x.end && (x.buf[i] >= utf8.RuneSelf || isNameByte(x.buf[i])) {
			i++
		}
		dst = append(dst, x.buf[x.pos:i]...)
		x.pos = i
		if i < x.end {
			return dst, true
		}
		if _, ok = x.mustgetc(); !ok {
			return dst, false
		}
		x.ungetc()
	}
}

// validName tells whether encoding/xml takes name as a name with a local
// part (at most one colon, the XML name characters).
func validName(name []byte) bool {
	if len(name) == 0 {
		return false
	}
	colons := 0
	ascii := true
	for _, c := range name {
		if c == ':' {
			colons++
		}
		if c >= utf8.RuneSelf {
			ascii = false
		}
	}
	if colons > 1 {
		return false
	}
	if ascii {
		c := name[0]
		return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '_' || c == ':'
	}
	// Rare: let encoding/xml judge the name's characters.
	d := xml.NewDecoder(strings.NewReader("<" + string(name) + "/>"))
	_, err := d.Token()
	return err == nil
}

// localPart is the name without its prefix, as encoding/xml splits it.
func localPart(name []byte) []byte {
	i := bytes.IndexByte(name, ':')
	if i <= 0 || i == len(name)-1 {
		return name
	}
	return name[i+1:]
}

// nsname reads a name into dst: false with x.err unset when none is there.
func (x *xmlReader) nsname(dst []byte) ([]byte, bool) {
	start := len(dst)
	dst, ok := x.readName(dst)
	if !ok {
		return dst, false
	}
	if !validName(dst[start:]) {
		if bytes.Count(dst[start:], []byte{':'}) > 1 {
			return dst, false
		}
		x.errSyntax("invalid XML name: " + string(dst[start:]))
		return dst, false
	}
	return dst, true
}

// next returns the next start or end tag, checking everything before it.
func (x *xmlReader) next() (xmlTok, error) {
	for {
		b, ok := x.getc()
		if !ok {
			if x.err != io.EOF {
				return tokEOF, x.err
			}
			if len(x.stackOff) > 0 {
				return tokEOF, x.errSyntax("unexpected EOF")
			}
			return tokEOF, nil
		}
		if b != '<' {
			x.ungetc()
			if err := x.chardata(); err != nil {
				return tokEOF, err
			}
			continue
		}
		if b, ok = x.mustgetc(); !ok {
			return tokEOF, x.err
		}
		switch b {
		case '/':
			return x.endTag()
		case '?':
			if err := x.procInst(); err != nil {
				return tokEOF, err
			}
		case '!':
			if err := x.bang(); err != nil {
				return tokEOF, err
			}
		default:
			x.ungetc()
			return x.startTag()
		}
	}
}

func (x *xmlReader) endTag() (xmlTok, error) {
	var ok bool
	if x.name, ok = x.nsname(x.name[:0]); !ok {
		return tokEOF, x.errSyntax("expected element name after </")
	}
	x.space()
	b, ok := x.mustgetc()
	if !ok {
		return tokEOF, x.err
	}
	if b != '>' {
		return tokEOF, x.errSyntax("invalid characters between </" + string(localPart(x.name)) + " and >")
	}
	n := len(x.stackOff)
	if n == 0 {
		return tokEOF, x.errSyntax("unexpected end element </" + string(localPart(x.name)) + ">")
	}
	open := x.stack[x.stackOff[n-1]:]
	if !bytes.Equal(open, x.name) {
		return tokEOF, x.errSyntax("element <" + string(localPart(open)) + "> closed by </" + string(localPart(x.name)) + ">")
	}
	x.stack = x.stack[:x.stackOff[n-1]]
	x.stackOff = x.stackOff[:n-1]
	x.local = localPart(x.name)
	return tokEnd, nil
}

func (x *xmlReader) startTag() (xmlTok, error) {
	var ok bool
	if x.name, ok = x.nsname(x.name[:0]); !ok {
		return tokEOF, x.errSyntax("expected element name after <")
	}
	x.local = localPart(x.name)
	x.attrs = x.attrs[:0]
	x.arena = x.arena[:0]
	x.selfClose = false
	for {
		x.space()
		b, ok := x.mustgetc()
		if !ok {
			return tokEOF, x.err
		}
		if b == '/' {
			if b, ok = x.mustgetc(); !ok {
				return tokEOF, x.err
			}
			if b != '>' {
				return tokEOF, x.errSyntax("expected /> in element")
			}
			x.selfClose = true
			break
		}
		if b == '>' {
			break
		}
		x.ungetc()
		var a xmlAttr
		a.ls = len(x.arena)
		if x.arena, ok = x.nsname(x.arena); !ok {
			return tokEOF, x.errSyntax("expected attribute name in element")
		}
		a.le = len(x.arena)
		if l := localPart(x.arena[a.ls:]); len(l) != a.le-a.ls {
			a.ls = a.le - len(l)
		}
		x.space()
		if b, ok = x.mustgetc(); !ok {
			return tokEOF, x.err
		}
		if b != '=' {
			return tokEOF, x.errSyntax("attribute name without = in element")
		}
		x.space()
		if b, ok = x.mustgetc(); !ok {
			return tokEOF, x.err
		}
		if b != '"' && b != '\'' {
			return tokEOF, x.errSyntax("unquoted or missing attribute value in element")
		}
		a.vs = len(x.arena)
		if err := x.attrValue(b); err != nil {
			return tokEOF, err
		}
		a.ve = len(x.arena)
		x.attrs = append(x.attrs, a)
	}
	if !x.selfClose {
		x.stackOff = append(x.stackOff, len(x.stack))
		x.stack = append(x.stack, x.name...)
	}
	return tokStart, nil
}

// attrValue appends the decoded value of a quoted attribute to the arena.
func (x *xmlReader) attrValue(quote byte) error {
	// Fast path: plain ASCII up to the quote.
	i := x.pos
	for i < x.end {
		c := x.buf[i]
		if c == quote {
			x.arena = append(x.arena, x.buf[x.pos:i]...)
			x.pos = i + 1
			return nil
		}
		if c == '&' || c == '<' || c == '\r' || c >= utf8.RuneSelf || c < ' ' && c != '\t' && c != '\n' {
			break
		}
		i++
	}
	x.arena = append(x.arena, x.buf[x.pos:i]...)
	x.pos = i
	var err error
	x.arena, err = x.text(x.arena, int(quote), false)
	return err
}

// chardata checks the text up to the next '<' (or the end).
func (x *xmlReader) chardata() error {
	// Fast path: the white space between elements.
	i := x.pos
	for i < x.end {
		c := x.buf[i]
		if c != ' ' && c != '\n' && c != '\t' {
			break
		}
		i++
	}
	x.pos = i
	if i < x.end && x.buf[i] == '<' {
		return nil
	}
	var err error
	x.scratch, err = x.text(x.scratch[:0], -1, false)
	if len(x.scratch) > 4096 {
		x.scratch = nil
	}
	return err
}

var xmlEntity = map[string]string{"lt": "<", "gt": ">", "amp": "&", "apos": "'", "quot": "\""}

// text is encoding/xml's text: it appends to dst the text up to the quote
// (quote >= 0, consumed), the next '<' (not consumed) or, in CDATA, "]]>",
// decoding references and line ends, and checks the characters it appended.
func (x *xmlReader) text(dst []byte, quote int, cdata bool) ([]byte, error) {
	start := len(dst)
	var b0, b1 byte
	trunc := 0
Input:
	for {
		b, ok := x.getc()
		if !ok {
			if x.err != io.EOF {
				return dst, x.err
			}
			if cdata {
				return dst, x.errSyntax("unexpected EOF in CDATA section")
			}
			if quote >= 0 {
				return dst, x.errSyntax("unexpected EOF")
			}
			break Input
		}
		if quote < 0 && b0 == ']' && b1 == ']' && b == '>' {
			if cdata {
				trunc = 2
				break Input
			}
			return dst, x.errSyntax("unescaped ]]> not in CDATA section")
		}
		if b == '<' && !cdata {
			if quote >= 0 {
				return dst, x.errSyntax("unescaped < inside quoted string")
			}
			x.ungetc()
			break Input
		}
		if quote >= 0 && b == byte(quote) {
			break Input
		}
		if b == '&' && !cdata {
			s, err := x.reference()
			if err != nil {
				return dst, err
			}
			dst = append(dst, s...)
			b0, b1 = 0, 0
			continue Input
		}
		if b == '\r' {
			dst = append(dst, '\n')
		} else if b1 == '\r' && b == '\n' {
			// \r\n: the \n is written already
		} else {
			dst = append(dst, b)
		}
		b0, b1 = b1, b
	}
	dst = dst[:len(dst)-trunc]
	for s := dst[start:]; len(s) > 0; {
		r, size := utf8.DecodeRune(s)
		if r == utf8.RuneError && size == 1 {
			return dst, x.errSyntax("invalid UTF-8")
		}
		s = s[size:]
		if !isInCharacterRange(r) {
			return dst, x.errSyntax(fmt.Sprintf("illegal character code %U", r))
		}
	}
	return dst, nil
}

func isInCharacterRange(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// reference decodes a character or entity reference after its '&'.
func (x *xmlReader) reference() (string, error) {
	var ent []byte
	b, ok := x.mustgetc()
	if !ok {
		return "", x.err
	}
	if b == '#' {
		ent = append(ent, '#')
		if b, ok = x.mustgetc(); !ok {
			return "", x.err
		}
		base := 10
		if b == 'x' {
			base = 16
			ent = append(ent, 'x')
			if b, ok = x.mustgetc(); !ok {
				return "", x.err
			}
		}
		digits := len(ent)
		for '0' <= b && b <= '9' || base == 16 && ('a' <= b && b <= 'f' || 'A' <= b && b <= 'F') {
			ent = append(ent, b)
			if b, ok = x.mustgetc(); !ok {
				return "", x.err
			}
		}
		if b == ';' {
			n, err := strconv.ParseUint(string(ent[digits:]), base, 64)
			if err == nil && n <= unicode.MaxRune {
				return string(rune(n)), nil
			}
			ent = append(ent, ';')
		}
	} else {
		x.ungetc()
		ent, _ = x.readName(ent)
		if x.err != nil && x.err != io.EOF {
			return "", x.err
		}
		if b, ok = x.mustgetc(); !ok {
			return "", x.err
		}
		if b == ';' {
			if s, ok := xmlEntity[string(ent)]; ok {
				return s, nil
			}
			ent = append(ent, ';')
		}
	}
	e := "&" + string(ent)
	if e[len(e)-1] != ';' {
		e += " (no semicolon)"
	}
	return "", x.errSyntax("invalid character entity " + e)
}

// procInst reads a processing instruction after its "<?"; the <?xml?>
// declaration must name version 1.0 (or none) and UTF-8 (or no encoding).
func (x *xmlReader) procInst() error {
	var ok bool
	if x.name, ok = x.readName(x.name[:0]); !ok || !validPITarget(x.name) {
		if x.err != nil && x.err != io.EOF {
			return x.err
		}
		if ok {
			return x.errSyntax("invalid XML name: " + string(x.name))
		}
		return x.errSyntax("expected target name after <?")
	}
	x.space()
	data := x.scratch[:0]
	var b0 byte
	for {
		b, ok := x.mustgetc()
		if !ok {
			return x.err
		}
		data = append(data, b)
		if b0 == '?' && b == '>' {
			break
		}
		b0 = b
	}
	x.scratch = data
	if string(x.name) == "xml" {
		content := string(data[:len(data)-2])
		if ver := procInstParam("version", content); ver != "" && ver != "1.0" {
			x.err = fmt.Errorf("xml: unsupported version %q; only version 1.0 is supported", ver)
			return x.err
		}
		if enc := procInstParam("encoding", content); enc != "" && !strings.EqualFold(enc, "utf-8") {
			x.err = fmt.Errorf("xml: encoding %q declared; only UTF-8 OSM XML is read", enc)
			return x.err
		}
	}
	return nil
}

// validPITarget is encoding/xml's check of a name (colons allowed).
func validPITarget(name []byte) bool {
	if bytes.Count(name, []byte{':'}) <= 1 {
		return validName(name)
	}
	// A name of several colons is valid when it is without them.
	return validName(bytes.ReplaceAll(name, []byte{':'}, []byte{'_'}))
}

// procInstParam is encoding/xml's procInst: the value of param="..." in s.
func procInstParam(param, s string) string {
	param = param + "="
	lenp := len(param)
	i := 0
	var sep byte
	for i < len(s) {
		sub := s[i:]
		k := strings.Index(sub, param)
		if k < 0 || lenp+k >= len(sub) {
			return ""
		}
		i += lenp + k + 1
		if c := sub[lenp+k]; c == '\'' || c == '"' {
			sep = c
			break
		}
	}
	if sep == 0 {
		return ""
	}
	j := strings.IndexByte(s[i:], sep)
	if j < 0 {
		return ""
	}
	return s[i : i+j]
}

// bang reads a comment, CDATA section or directive after its "<!".
func (x *xmlReader) bang() error {
	b, ok := x.mustgetc()
	if !ok {
		return x.err
	}
	switch b {
	case '-':
		if b, ok = x.mustgetc(); !ok {
			return x.err
		}
		if b != '-' {
			return x.errSyntax("invalid sequence <!- not part of <!--")
		}
		var b0, b1 byte
		for {
			if b, ok = x.mustgetc(); !ok {
				return x.err
			}
			if b0 == '-' && b1 == '-' {
				if b != '>' {
					return x.errSyntax(`invalid sequence "--" not allowed in comments`)
				}
				return nil
			}
			b0, b1 = b1, b
		}
	case '[':
		for i := range 6 {
			if b, ok = x.mustgetc(); !ok {
				return x.err
			}
			if b != "CDATA["[i] {
				return x.errSyntax("invalid <![ sequence")
			}
		}
		var err error
		x.scratch, err = x.text(x.scratch[:0], -1, true)
		return err
	}
	// A directive (<!DOCTYPE ...>): skipped, quoted angle brackets and
	// comments inside included.
	var inquote byte
	depth := 0
	for {
		if b, ok = x.mustgetc(); !ok {
			return x.err
		}
		if inquote == 0 && b == '>' && depth == 0 {
			return nil
		}
	handle:
		switch {
		case b == inquote:
			inquote = 0
		case inquote != 0:
		case b == '\'' || b == '"':
			inquote = b
		case b == '>':
			depth--
		case b == '<':
			const s = "!--"
			for i := range len(s) {
				if b, ok = x.mustgetc(); !ok {
					return x.err
				}
				if b != s[i] {
					depth++
					goto handle
				}
			}
			var b0, b1 byte
			for {
				if b, ok = x.mustgetc(); !ok {
					return x.err
				}
				if b0 == '-' && b1 == '-' && b == '>' {
					break
				}
				b0, b1 = b1, b
			}
		}
	}
}

// skip reads up to the end of the element whose start tag was just read.
func (x *xmlReader) skip() error {
	if x.selfClose {
		return nil
	}
	for depth := 1; depth > 0; {
		t, err := x.next()
		if err != nil {
			return err
		}
		switch t {
		case tokStart:
			if !x.selfClose {
				depth++
			}
		case tokEnd:
			depth--
		case tokEOF:
			return x.errSyntax("unexpected EOF")
		}
	}
	return nil
}

func (x *xmlReader) attrName(a xmlAttr) []byte { return x.arena[a.ls:a.le] }
func (x *xmlReader) attrVal(a xmlAttr) []byte  { return x.arena[a.vs:a.ve] }

// parseXMLInt reads an integer attribute as encoding/xml does.
func parseXMLInt(v []byte) (int64, error) {
	if len(v) == 0 {
		return 0, nil
	}
	if len(v) <= 18 {
		neg := v[0] == '-'
		d := v
		if neg {
			d = v[1:]
		}
		if len(d) > 0 {
			var n int64
			for _, c := range d {
				if c < '0' || c > '9' {
					goto slow
				}
				n = n*10 + int64(c-'0')
			}
			if neg {
				n = -n
			}
			return n, nil
		}
	}
slow:
	return strconv.ParseInt(strings.TrimSpace(string(v)), 10, 64)
}

// pow10 are the powers of ten a float64 holds exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseXMLFloat reads a float attribute as encoding/xml does, bit for bit
// equal to strconv.ParseFloat: a plain decimal of at most 15 digits is an
// exact integer divided by an exact power of ten, one correctly rounded
// operation; anything else goes to strconv.
func parseXMLFloat(v []byte) (float64, error) {
	if len(v) == 0 {
		return 0, nil
	}
	d := v
	neg := d[0] == '-'
	if neg {
		d = d[1:]
	}
	var mant uint64
	digits, frac := 0, -1
	for i, c := range d {
		switch {
		case c >= '0' && c <= '9':
			mant = mant*10 + uint64(c-'0')
			digits++
		case c == '.' && frac < 0 && i > 0 && i < len(d)-1:
			frac = len(d) - 1 - i
		default:
			goto slow
		}
	}
	if digits == 0 || digits > 15 {
		goto slow
	}
	{
		f := float64(mant)
		if frac > 0 {
			f /= pow10[frac]
		}
		if neg {
			f = -f
		}
		return f, nil
	}
slow:
	return strconv.ParseFloat(strings.TrimSpace(string(v)), 64)
}

// errXMLName is the error osmxml gives for an object element in another case.
func errXMLName(want string, have []byte) error {
	return fmt.Errorf("expected element type <%s> but have <%s>", want, have)
}

// xmlKey numbers the tag keys the reader keeps.
type xmlKey int

const (
	keyOther xmlKey = iota
	keyHighway
	keyFoot
	keyAccess
	keyAmenity
	keyName
	numKeys
)

func tagKey(k []byte) xmlKey {
	switch string(k) {
	case "highway":
		return keyHighway
	case "foot":
		return keyFoot
	case "access":
		return keyAccess
	case "amenity":
		return keyAmenity
	case "name":
		return keyName
	}
	return keyOther
}

// xmlTags are the kept tags of one object: the first value of each key.
type xmlTags struct {
	set [numKeys]bool
	val [numKeys][]byte
}

func (t *xmlTags) reset() {
	for k := range t.set {
		t.set[k] = false
		t.val[k] = t.val[k][:0]
	}
}

// Find implements tagger.
func (t *xmlTags) Find(k string) string {
	if key := tagKey([]byte(k)); key != keyOther && t.set[key] {
		return string(t.val[key])
	}
	return ""
}

func (t *xmlTags) is(k xmlKey, v string) bool { return t.set[k] && string(t.val[k]) == v }

// scanXML reads OSM XML from r into raw data.
func scanXML(ctx context.Context, r io.Reader) (*rawData, error) {
	x := newXMLReader(ctx, r)
	// The data is kept in parts of some 64k nodes or 128k refs, joined at
	// the end (joinRaw): growing one large slice copies it over and over.
	var parts []*rawData
	raw := &rawData{}
	const partNodes, partRefs = 1 << 16, 1 << 17
	nextPart := func() {
		if len(raw.nodeID) >= partNodes || len(raw.wayRefs) >= partRefs {
			// A large file: the next part is made at its size at once.
			parts = append(parts, raw)
			raw = &rawData{
				nodeID:  make([]int64, 0, partNodes+1),
				nodeLat: make([]float64, 0, partNodes+1),
				nodeLon: make([]float64, 0, partNodes+1),
				wayRefs: make([]int64, 0, partRefs+1<<10),
			}
		}
	}
	var tags xmlTags
	var refs []int64
	// tag reads the current <tag> element's k and v into tags.
	tag := func() {
		var k, v []byte
		for _, a := range x.attrs {
			switch string(x.attrName(a)) {
			case "k":
				k = x.attrVal(a)
			case "v":
				v = x.attrVal(a)
			}
		}
		if key := tagKey(k); key != keyOther && !tags.set[key] {
			tags.set[key] = true
			tags.val[key] = append(tags.val[key][:0], v...)
		}
	}
	// children reads the current object's direct children: <tag> always,
	// <nd> when refs is wanted.
	children := func(nd bool) error {
		if x.selfClose {
			return nil
		}
		for {
			t, err := x.next()
			if err != nil {
				return err
			}
			if t == tokEnd {
				return nil
			}
			if t == tokEOF {
				return x.errSyntax("unexpected EOF")
			}
			switch {
			case string(x.local) == "tag":
				tag()
			case nd && string(x.local) == "nd":
				var ref int64
				for _, a := range x.attrs {
					if string(x.attrName(a)) == "ref" {
						if ref, err = parseXMLInt(x.attrVal(a)); err != nil {
							return fmt.Errorf("way nd ref: %w", err)
						}
					}
				}
				refs = append(refs, ref)
			}
			if err := x.skip(); err != nil {
				return err
			}
		}
	}
	for {
		t, err := x.next()
		if err != nil {
			return nil, err
		}
		if t == tokEOF {
			break
		}
		if t != tokStart {
			continue
		}
		switch string(x.local) {
		case "node":
			raw.objects++
			var id int64
			var lat, lon float64
			for _, a := range x.attrs {
				var err error
				switch string(x.attrName(a)) {
				case "id":
					id, err = parseXMLInt(x.attrVal(a))
				case "lat":
					lat, err = parseXMLFloat(x.attrVal(a))
				case "lon":
					lon, err = parseXMLFloat(x.attrVal(a))
				}
				if err != nil {
					return nil, fmt.Errorf("node: %w", err)
				}
			}
			tags.reset()
			if err := children(false); err != nil {
				return nil, err
			}
			raw.addNode(id, lat, lon)
			if tags.is(keyAmenity, "school") {
				raw.schoolsN = append(raw.schoolsN, rawSchool{id: id, name: string(tags.val[keyName])})
			}
			nextPart()
		case "way":
			raw.objects++
			var id int64
			for _, a := range x.attrs {
				if string(x.attrName(a)) == "id" {
					var err error
					if id, err = parseXMLInt(x.attrVal(a)); err != nil {
						return nil, fmt.Errorf("way: %w", err)
					}
				}
			}
			tags.reset()
			refs = refs[:0]
			if err := children(true); err != nil {
				return nil, err
			}
			isWalk := walkable(&tags)
			isSchool := tags.is(keyAmenity, "school")
			if isWalk {
				raw.addWalkableWay(refs)
			}
			if isSchool {
				raw.schoolsW = append(raw.schoolsW, rawSchoolWay{id: id, name: string(tags.val[keyName]), refs: append([]int64(nil), refs...)})
			}
			nextPart()
		case "relation", "changeset", "note", "user":
			raw.objects++
			if err := x.skip(); err != nil {
				return nil, err
			}
		default:
			switch {
			case bytes.EqualFold(x.local, []byte("bounds")):
				raw.objects++
				if err := x.skip(); err != nil {
					return nil, err
				}
			case bytes.EqualFold(x.local, []byte("node")), bytes.EqualFold(x.local, []byte("way")),
				bytes.EqualFold(x.local, []byte("relation")), bytes.EqualFold(x.local, []byte("changeset")),
				bytes.EqualFold(x.local, []byte("note")), bytes.EqualFold(x.local, []byte("user")):
				return nil, errXMLName(strings.ToLower(string(x.local)), x.local)
			}
		}
	}
	return joinRaw(append(parts, raw)), nil
}

// prefetchReader reads r ahead on a goroutine of its own, so that inflating
// an .osm.gz file and scanning its XML take a core each. Close stops it.
type prefetchReader struct {
	full  chan prefetchBuf
	empty chan []byte
	done  chan struct{}
	buf   []byte // the buffer being read, to give back
	cur   []byte // its unread part
	err   error
}

type prefetchBuf struct {
	b   []byte
	err error
}

func newPrefetchReader(r io.Reader) *prefetchReader {
	p := &prefetchReader{full: make(chan prefetchBuf, 2), empty: make(chan []byte, 3), done: make(chan struct{})}
	for range 3 {
		p.empty <- make([]byte, 256<<10)
	}
	go func() {
		defer close(p.full)
		for {
			var b []byte
			select {
			case b = <-p.empty:
			case <-p.done:
				return
			}
			n, err := io.ReadFull(r, b)
			if err == io.ErrUnexpectedEOF {
				err = io.EOF
			}
			select {
			case p.full <- prefetchBuf{b[:n], err}:
			case <-p.done:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return p
}

func (p *prefetchReader) Read(b []byte) (int, error) {
	for len(p.cur) == 0 {
		if p.buf != nil && p.err == nil {
			p.empty <- p.buf[:cap(p.buf)]
		}
		p.buf = nil
		if p.err != nil {
			return 0, p.err
		}
		f, ok := <-p.full
		if !ok {
			p.err = io.EOF
			continue
		}
		p.buf, p.cur, p.err = f.b, f.b, f.err
		if len(f.b) == 0 && f.err == nil {
			p.err = io.ErrNoProgress
		}
	}
	n := copy(b, p.cur)
	p.cur = p.cur[n:]
	return n, nil
}

// Close stops the reading goroutine and waits until it is done with r.
func (p *prefetchReader) Close() {
	close(p.done)
	for range p.full {
	}
}
