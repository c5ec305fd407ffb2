package accessibility

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture"
)

// Round states.
const (
	StatusOpen   = "open"   // staff answer
	StatusClosed = "closed" // answers are in: the spread is shown and the unit gathers
)

// MaxLinks is the most personal links one round hands out at once.
const MaxLinks = 200

// MinResponses is the fewest individual answers for which a round's spread
// is shown: with fewer, a colleague's answer could be read off the table.
const MinResponses = 3

// Round is a unit's self-assessment with one statement set.
type Round struct {
	ID         int64
	SetID      int64
	SetName    string
	UnitID     int64
	UnitName   string
	UnitCode   string
	SchoolYear string
	YearStart  int
	Status     string
	HasCode    bool // staff may answer through a unit code
	Links      int  // personal links handed out
	LinksUsed  int
	Responses  int
	CreatedAt  time.Time
	ClosedAt   *time.Time
	GatheredAt *time.Time
}

// Gathered reports whether the unit has recorded its gathered levels.
func (r *Round) Gathered() bool { return r.GatheredAt != nil }

// RoundInput starts a round.
type RoundInput struct {
	UnitID     int64
	SetID      int64
	SchoolYear string // 2025/26
	UnitCode   bool   // hand out one code for the whole unit
	Links      int    // and/or this many personal links
}

// Validate checks the input's own fields ("unit", "set", "school_year",
// "links").
func (in *RoundInput) Validate() error {
	var v app.Validation
	if in.UnitID == 0 {
		v.Add("unit", "field.choose")
	}
	if in.SetID == 0 {
		v.Add("set", "field.choose")
	}
	in.SchoolYear = strings.TrimSpace(in.SchoolYear)
	if _, ok := unitpicture.YearStart(in.SchoolYear); !ok {
		v.Add("school_year", "accessibility.err_school_year")
	}
	switch {
	case in.Links < 0 || in.Links > MaxLinks:
		v.Add("links", "accessibility.err_links", map[string]any{"Max": MaxLinks})
	case in.Links == 0 && !in.UnitCode:
		v.Add("links", "accessibility.err_no_way_in")
	}
	return v.Err()
}

// Started is what starting a round hands out, once: the unit code and the
// personal links' tokens. Only their digests are stored.
type Started struct {
	RoundID int64
	Code    string
	Tokens  []string
}

func digest(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// newToken returns 192 random bits, URL-safe: a personal link.
func newToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

var codeEncoding = base32.NewEncoding("ABCDEFGHJKLMNPQRSTUVWXYZ23456789").WithPadding(base32.NoPadding)

// newCode returns a unit code of 12 characters (60 random bits) that is
// easy to read aloud and type: no 0/O, 1/I.
func newCode() (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return codeEncoding.EncodeToString(b)[:12], nil
}

// NormalizeCode reads a typed unit code: case and spaces or dashes do not
// matter.
func NormalizeCode(s string) string {
	s = strings.ToUpper(s)
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, s)
}

// StartRound starts a round for a unit the context principal runs the
// self-assessment of (auth.RunAccessibility), and returns the code and
// links to hand out. They are shown once; the round stores their digests.
func StartRound(ctx context.Context, db store.Q, in RoundInput, now time.Time) (*Started, error) {
	p := auth.FromContext(ctx)
	if !MayRun(p) {
		return nil, app.Forbidden()
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if !mayRunUnit(p, in.UnitID) {
		var v app.Validation
		v.Add("unit", "field.choose")
		return nil, v.Err()
	}
	start, _ := unitpicture.YearStart(in.SchoolYear)
	out := &Started{}
	err := store.InTx(ctx, db, func(tx *store.Tx) error {
		var v app.Validation
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM units WHERE id = ?", in.UnitID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			v.Add("unit", "field.choose")
		}
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM access_statements WHERE set_id = ?", in.SetID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			v.Add("set", "field.choose")
		}
		if err := v.Err(); err != nil {
			return err
		}
		var codeHash any
		if in.UnitCode {
			code, err := newCode()
			if err != nil {
				return err
			}
			out.Code, codeHash = code, digest(code)
		}
		var creator any
		if p.UserID != 0 {
			creator = p.UserID
		}
		if err := tx.QueryRow(ctx, `INSERT INTO access_rounds (set_id, unit_id, school_year, year_start, status, code_hash, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.SetID, in.UnitID, in.SchoolYear, start, StatusOpen, codeHash, creator, now).Scan(&out.RoundID); err != nil {
			return err
		}
		for range in.Links {
			t, err := newToken()
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "INSERT INTO access_links (round_id, token_hash) VALUES (?, ?)", out.RoundID, digest(t)); err != nil {
				return err
			}
			out.Tokens = append(out.Tokens, t)
		}
		return audit.Log(ctx, tx, audit.Create, "access_round", strconv.FormatInt(out.RoundID, 10),
			"unit "+strconv.FormatInt(in.UnitID, 10)+", "+strconv.Itoa(in.Links)+" links")
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

const roundColumns = `r.id, r.set_id, s.name, r.unit_id, u.name, u.unit_code, r.school_year, r.year_start, r.status, r.code_hash IS NOT NULL,
	(SELECT COUNT(*) FROM access_links l WHERE l.round_id = r.id),
	(SELECT COUNT(*) FROM access_links l WHERE l.round_id = r.id AND l.used = ?),
	(SELECT COUNT(*) FROM access_responses x WHERE x.round_id = r.id),
	r.created_at, r.closed_at, r.gathered_at
	FROM access_rounds r JOIN access_sets s ON s.id = r.set_id JOIN units u ON u.id = r.unit_id`

func scanRounds(ctx context.Context, q store.Q, where string, args ...any) ([]Round, error) {
	rows, err := q.Query(ctx, "SELECT "+roundColumns+" WHERE "+where+" ORDER BY r.year_start DESC, u.name, r.id DESC", append([]any{true}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Round
	for rows.Next() {
		var r Round
		if err := rows.Scan(&r.ID, &r.SetID, &r.SetName, &r.UnitID, &r.UnitName, &r.UnitCode, &r.SchoolYear, &r.YearStart, &r.Status, &r.HasCode,
			&r.Links, &r.LinksUsed, &r.Responses, &r.CreatedAt, &r.ClosedAt, &r.GatheredAt); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Rounds lists the rounds of the units the context principal may read
// (auth.ReadAccessibility), the newest school year first.
func Rounds(ctx context.Context, q store.Q) ([]Round, error) {
	cond, args := readScope(auth.FromContext(ctx), "r.unit_id")
	return scanRounds(ctx, q, cond, args...)
}

// GetRound returns a round the context principal may read; any other is
// app.NotFound.
func GetRound(ctx context.Context, q store.Q, id int64) (*Round, error) {
	cond, args := readScope(auth.FromContext(ctx), "r.unit_id")
	list, err := scanRounds(ctx, q, "r.id = ? AND "+cond, append([]any{id}, args...)...)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, app.NotFound()
	}
	return &list[0], nil
}

// forRun returns a round the context principal may run, for a change.
func forRun(ctx context.Context, tx *store.Tx, id int64) (*Round, error) {
	list, err := scanRounds(ctx, tx, "r.id = ?", id)
	if err != nil {
		return nil, err
	}
	p := auth.FromContext(ctx)
	if len(list) == 0 || !mayReadUnit(p, list[0].UnitID) && !mayRunUnit(p, list[0].UnitID) {
		return nil, app.NotFound()
	}
	if !mayRunUnit(p, list[0].UnitID) {
		return nil, app.Forbidden()
	}
	return &list[0], nil
}

// CloseRound ends the answering: no code or link works any more, and the
// spread is shown.
func CloseRound(ctx context.Context, db store.Q, id int64, now time.Time) error {
	return store.InTx(ctx, db, func(tx *store.Tx) error {
		r, err := forRun(ctx, tx, id)
		if err != nil {
			return err
		}
		if r.Status != StatusOpen {
			return nil
		}
		if _, err := tx.Exec(ctx, "UPDATE access_rounds SET status = ?, closed_at = ? WHERE id = ?", StatusClosed, now, id); err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Update, "access_round", strconv.FormatInt(id, 10), "closed")
	})
}
