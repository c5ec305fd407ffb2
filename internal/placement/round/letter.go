package round

// The texts of a decision as the guardian reads it — on the page, in the
// mail and on the printed letter — from one place: two plain sentences
// (where the child is placed and why), who to contact, the answer asked
// for, the waiting lists, the appeal routes part by part, then the full
// explanation.

import (
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/export"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/placement"
	"github.com/styrkedjan/styrkedjan/internal/placement/explain"
	"github.com/styrkedjan/styrkedjan/internal/workdays"
)

// Plain is a decision's text in one language.
type Plain struct {
	Placed, Why string // the two opening sentences
	Respond     string // by when to answer, or the answer given
	Waiting     string // the waiting lists the child is on; "" for none
	Appeal      []string
}

// child names the child at the start of a sentence and in its middle.
func child(l *i18n.Localizer, v *GuardianView) (start, mid string) {
	if v.Child != "" {
		return v.Child, v.Child
	}
	return l.T("decide.your_child"), l.T("decide.the_child")
}

func yearLabel(l *i18n.Localizer, y int) string {
	if y == 0 {
		return l.T("placement.year_f")
	}
	return l.T("placement.year_n", "Year", y)
}

func schoolName(d Decision) string {
	if d.Explanation.SchoolName != "" {
		return d.Explanation.SchoolName
	}
	return d.SchoolID
}

func and(l *i18n.Localizer, items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return l.T("placement.list_and", "First", strings.Join(items[:len(items)-1], ", "), "Last", items[len(items)-1])
}

// PlainText writes the decision's plain parts in l's language; today is
// the civil date the text is read on.
func PlainText(l *i18n.Localizer, v *GuardianView, today string) Plain {
	d, e := v.Decision, v.Decision.Explanation
	start, mid := child(l, v)
	year := yearLabel(l, d.Year)
	school := schoolName(d)
	var p Plain
	if d.SchoolID == "" {
		p.Placed = l.T("decide.unplaced", "Child", start, "YearLabel", year)
		p.Why = l.T("decide.why_unplaced")
	} else {
		p.Placed = l.T("decide.placed", "Child", start, "YearLabel", year, "School", school)
		outranked, notOffered := 0, 0
		for _, x := range e.Declined {
			if x.Reason == placement.NotOffered.String() {
				notOffered++
			} else {
				outranked++
			}
		}
		switch {
		case v.Sent != nil && v.Sent.Pass > 1:
			p.Why = l.T("decide.why_moved", "Child", mid, "School", school, "Rank", d.ChoiceRank)
		case d.Fallback && len(e.Declined) == 0:
			p.Why = l.T("decide.why_fallback_no_choice", "Child", mid)
		case d.Fallback:
			p.Why = l.T("decide.why_fallback", "Child", mid)
		case d.ChoiceRank == 1:
			p.Why = l.T("decide.why_first")
		case notOffered == 0:
			p.Why = l.T("decide.why_rank_full", "Rank", d.ChoiceRank)
		case outranked == 0:
			p.Why = l.T("decide.why_rank_not_offered", "Rank", d.ChoiceRank, "YearLabel", year)
		default:
			p.Why = l.T("decide.why_rank_mixed", "Rank", d.ChoiceRank, "YearLabel", year)
		}
	}
	if s := v.Sent; s != nil && d.SchoolID != "" {
		switch {
		case s.Answer == Accepted:
			p.Respond = l.T("decide.answered_accepted", "Date", civil.Date(*s.AnsweredAt))
		case s.Answer == Declined:
			p.Respond = l.T("decide.answered_declined", "Date", civil.Date(*s.AnsweredAt))
		case today > s.RespondBy:
			p.Respond = l.T("decide.respond_closed", "Date", s.RespondBy)
		default:
			p.Respond = l.T("decide.respond_by", "Date", s.RespondBy, "School", school)
		}
	}
	if w := v.Waiting(); len(w) > 0 {
		p.Waiting = l.T("decide.waiting", "Child", start, "Schools", and(l, w))
	}
	p.Appeal = AppealText(l, v)
	return p
}

// AppealText says, part by part, how the decision can be challenged: the
// placement (skollagen's first paragraph) only by legality review under
// kommunallagen 13 kap. at the administrative court, within three weeks
// of the notice of the minutes; a wish refused because the school has no
// places in the year group (second paragraph) by appeal to Skolväsendets
// överklagandenämnd, within three weeks of receiving the decision. A date
// is given only where the system knows the day the weeks count from.
func AppealText(l *i18n.Localizer, v *GuardianView) []string {
	d, e := v.Decision, v.Decision.Explanation
	if d.SchoolID == "" {
		return []string{l.T("decide.appeal_unplaced", "Contact", contactName(l, v.Contact))}
	}
	law := e.Appeal.Law
	if law == "" {
		law = "10 kap. 30 §"
		if d.Year == 0 {
			law = "9 kap. 15 §"
		}
	}
	out := []string{
		l.T("decide.appeal_legality", "School", schoolName(d), "Law", law) + " " +
			l.T("decide.appeal_legality_when", "Contact", contactName(l, v.Contact)),
	}
	var board []string
	for _, id := range e.Appeal.BoardSchools {
		for _, x := range e.Declined {
			if x.SchoolID == id {
				board = append(board, x.SchoolName)
			}
		}
	}
	if len(board) > 0 {
		_, mid := child(l, v)
		s := l.T("decide.appeal_board", "Schools", and(l, board), "Child", mid, "Law", law) + " " + l.T("decide.appeal_board_when")
		if v.Sent != nil && v.Sent.Channel == ChannelEmail {
			s += " " + l.T("decide.appeal_board_date", "Sent", civil.Date(v.Sent.SentAt), "Deadline", AppealDeadline(v.Sent.SentAt))
		}
		out = append(out, s)
	}
	return out
}

// AppealDeadline is the last day of three weeks counted from the civil
// date of received: the same weekday three weeks on, or, when that is a
// Saturday, Sunday, public holiday, midsommarafton, julafton or
// nyårsafton, the next day that is none of these (lagen (1930:173) om
// beräkning av lagstadgad tid).
func AppealDeadline(received time.Time) string {
	d := civil.StartOfDay(received).AddDate(0, 0, 21)
	for !workdays.IsWorkingDay(d) {
		d = d.AddDate(0, 0, 1)
	}
	return civil.Date(d)
}

func contactName(l *i18n.Localizer, c Contact) string {
	if c.Name != "" {
		return c.Name
	}
	return l.T("decide.contact_us")
}

// ContactText lists the contact's name, telephone and e-mail.
func ContactText(l *i18n.Localizer, c Contact) []string {
	var out []string
	if c.Name != "" {
		out = append(out, c.Name)
	}
	if c.Phone != "" {
		out = append(out, l.T("decide.phone", "Phone", c.Phone))
	}
	if c.Email != "" {
		out = append(out, l.T("decide.email", "Email", c.Email))
	}
	return out
}

// Details are the full explanation's paragraphs in l's language (easy:
// easy-to-read Swedish): the stored texts where the run wrote them (sv,
// en, easy), else rendered from the explanation's data with l (Arabic,
// Somali and Persian, from public.LANG.toml).
func Details(l *i18n.Localizer, v *GuardianView, easy bool) []string {
	e := v.Decision.Explanation
	var t string
	switch {
	case easy || l.Lang == i18n.EasySwedish:
		t = e.Text.SVEasy
	case l.Lang == "sv":
		t = e.Text.SV
	case l.Lang == "en":
		t = e.Text.EN
	default:
		t = (&explain.Explainer{}).Render(l, e, false)
	}
	var out []string
	for _, p := range strings.Split(t, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// MailText is the decision mail to one guardian: subject and body, with
// the guardian's own link.
func MailText(l *i18n.Localizer, v *GuardianView, guardian, link string) (subject, body string) {
	start, _ := child(l, v)
	p := PlainText(l, v, civil.Today(v.PublishedAt))
	var b []string
	b = append(b, l.T("decide.greeting", "Name", guardian), p.Placed+" "+p.Why)
	if p.Respond != "" {
		b = append(b, p.Respond)
	}
	if v.Decision.SchoolID == "" {
		b = append(b, l.T("decide.mail_link_read", "URL", link))
	} else {
		b = append(b, l.T("decide.mail_link", "URL", link))
	}
	if p.Waiting != "" {
		b = append(b, p.Waiting)
	}
	if c := ContactText(l, v.Contact); len(c) > 0 {
		b = append(b, l.T("decide.contact_heading")+"\n"+strings.Join(c, "\n"))
	}
	b = append(b, l.T("decide.appeal_heading"))
	b = append(b, p.Appeal...)
	return l.T("decide.subject", "Child", start), strings.Join(b, "\n\n") + "\n"
}

// A LetterPart is one child's letter: the view, the guardian it is
// addressed to, their language and their link.
type LetterPart struct {
	View     *GuardianView
	Guardian string
	Address  string
	Lang     string
	Link     string
}

// Letters writes printed decision letters, one after the other, each in
// its guardian's language (the document's language is the first letter's).
func Letters(c *i18n.Catalog, parts []LetterPart, now time.Time) *export.Doc {
	lang := "sv"
	if len(parts) > 0 {
		lang = parts[0].Lang
	}
	first := c.For(lang)
	doc := export.NewPDF(export.PDFOptions{Title: first.T("decide.letter_title"), Lang: docLang(lang), Created: now,
		PageLabel: func(page, pages string) string { return page + " / " + pages }})
	for i, p := range parts {
		l := c.For(p.Lang)
		doc.Section(docLang(p.Lang), i > 0)
		letter(doc, l, p, now)
	}
	return doc
}

func docLang(lang string) string {
	if lang == i18n.EasySwedish {
		return "sv"
	}
	return lang
}

func letter(doc *export.Doc, l *i18n.Localizer, p LetterPart, now time.Time) {
	v := p.View
	pl := PlainText(l, v, civil.Today(now))
	doc.Title(l.T("decide.letter_title"))
	doc.Para(p.Guardian+"\n"+p.Address, 10, "")
	doc.Para(civil.Date(now), 10, "")
	doc.Para(pl.Placed+" "+pl.Why, 12, "B")
	if pl.Respond != "" {
		doc.Para(pl.Respond, 11, "")
	}
	if p.Link != "" {
		doc.Para(l.T("decide.letter_link", "URL", p.Link), 10, "")
	}
	if pl.Waiting != "" {
		doc.Para(pl.Waiting, 10, "")
	}
	doc.Heading(l.T("decide.contact_heading"), 12)
	for _, c := range ContactText(l, v.Contact) {
		doc.Para(c, 10, "")
	}
	doc.Heading(l.T("decide.appeal_heading"), 12)
	for _, a := range pl.Appeal {
		doc.Para(a, 10, "")
	}
	doc.Heading(l.T("decide.details"), 12)
	for _, d := range Details(l, v, false) {
		doc.Para(d, 9, "")
	}
}
