package accessibility

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/export"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// MaxFile is the largest statement file read.
const MaxFile = 1 << 20

//go:embed example.toml
var exampleTOML []byte

// ExampleName is the name of the example set shipped with Styrkedjan.
func ExampleName() string {
	in, err := ParseTOML(bytes.NewReader(exampleTOML))
	if err != nil {
		panic(err) // a test reads the file
	}
	return in.Name
}

// SeedExample stores the example set (22 statements written for this
// project, Swedish and English) unless a set of its name exists. It runs on
// demo load and when the statement page is first opened; idempotent.
func SeedExample(ctx context.Context, db store.Q, now time.Time) (int64, error) {
	in, err := ParseTOML(bytes.NewReader(exampleTOML))
	if err != nil {
		return 0, err
	}
	var id int64
	err = db.QueryRow(ctx, "SELECT id FROM access_sets WHERE name = ?", in.Name).Scan(&id)
	if err == nil {
		return id, nil
	} else if !store.IsNotFound(err) {
		return 0, err
	}
	return importSet(ctx, db, in, true, now)
}

// AddExample adds the example set on an organizer's request
// (auth.ManageAccessibility); idempotent.
func AddExample(ctx context.Context, db store.Q, now time.Time) (int64, error) {
	if !MayManage(auth.FromContext(ctx)) {
		return 0, app.Forbidden()
	}
	return SeedExample(ctx, db, now)
}

// tomlFile is the TOML form of a set.
type tomlFile struct {
	Name      string          `toml:"name"`
	NameEN    string          `toml:"name_en,omitempty"`
	Statement []tomlStatement `toml:"statement"`
}

type tomlStatement struct {
	Key      string   `toml:"key"`
	Area     string   `toml:"area"`
	SV       string   `toml:"sv"`
	EN       string   `toml:"en,omitempty"`
	LevelsSV []string `toml:"levels_sv"`
	LevelsEN []string `toml:"levels_en,omitempty"`
}

// ParseTOML reads a set written as TOML: name, then [[statement]] tables
// with key, area, sv, en, levels_sv and levels_en (five texts each). It
// does not validate; SetInput.Validate does.
func ParseTOML(r io.Reader) (SetInput, error) {
	var f tomlFile
	if _, err := toml.NewDecoder(io.LimitReader(r, MaxFile)).Decode(&f); err != nil {
		return SetInput{}, fileError("accessibility.err_toml", err.Error())
	}
	in := SetInput{Name: f.Name}
	for _, s := range f.Statement {
		in.Statements = append(in.Statements, StatementInput{Key: s.Key, Area: s.Area, TextSV: s.SV, TextEN: s.EN, LevelsSV: s.LevelsSV, LevelsEN: s.LevelsEN})
	}
	return in, nil
}

// WriteTOML writes a set in the form ParseTOML reads.
func WriteTOML(w io.Writer, s *Set) error {
	f := tomlFile{Name: s.Name}
	for _, st := range s.Statements {
		f.Statement = append(f.Statement, tomlStatement{Key: st.Key, Area: st.Area, SV: st.TextSV, EN: st.TextEN, LevelsSV: st.LevelsSV, LevelsEN: st.LevelsEN})
	}
	return toml.NewEncoder(w).Encode(f)
}

// CSVColumns are the columns of a set's CSV file, in order.
func CSVColumns() []string {
	cols := []string{"key", "area", "text_sv", "text_en"}
	for _, lang := range []string{"sv", "en"} {
		for n := 1; n <= Levels; n++ {
			cols = append(cols, fmt.Sprintf("level%d_%s", n, lang))
		}
	}
	return cols
}

// Table is the set as an export table (written as CSV by export.WriteCSV).
func (s *Set) Table() export.Table {
	t := export.Table{ID: "statements", Columns: CSVColumns()}
	for _, st := range s.Statements {
		row := []export.Cell{export.Text(st.Key), export.Text(st.Area), export.Text(st.TextSV), export.Text(st.TextEN)}
		for _, ls := range [][]string{st.LevelsSV, st.LevelsEN} {
			for n := range Levels {
				l := ""
				if n < len(ls) {
					l = ls[n]
				}
				row = append(row, export.Text(l))
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// ParseCSV reads a set's statements from CSV with the header CSVColumns
// (in any order; the English columns may be left out), separated by
// semicolons or commas, with or without a byte-order mark. A text that
// export.WriteCSV protected from formula injection loses its apostrophe.
func ParseCSV(r io.Reader, name string) (SetInput, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxFile+1))
	if err != nil {
		return SetInput{}, err
	}
	if len(b) > MaxFile {
		return SetInput{}, fileError("accessibility.err_file_size", "the file is larger than 1 MB")
	}
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	first, _, _ := bytes.Cut(b, []byte("\n"))
	cr := csv.NewReader(bytes.NewReader(b))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return SetInput{}, fileError("accessibility.err_csv", "no header line")
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, need := range []string{"key", "area", "text_sv"} {
		if _, ok := col[need]; !ok {
			return SetInput{}, fileError("accessibility.err_csv", "the header lacks the column "+need)
		}
	}
	in := SetInput{Name: name}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return SetInput{}, fileError("accessibility.err_csv", err.Error())
		}
		get := func(c string) string {
			i, ok := col[c]
			if !ok || i >= len(rec) {
				return ""
			}
			return unprotect(rec[i])
		}
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		s := StatementInput{Key: get("key"), Area: get("area"), TextSV: get("text_sv"), TextEN: get("text_en")}
		for n := 1; n <= Levels; n++ {
			s.LevelsSV = append(s.LevelsSV, get("level"+strconv.Itoa(n)+"_sv"))
			s.LevelsEN = append(s.LevelsEN, get("level"+strconv.Itoa(n)+"_en"))
		}
		in.Statements = append(in.Statements, s)
		if len(in.Statements) > MaxStatements {
			break
		}
	}
	return in, nil
}

func unprotect(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+@-\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}

// fileError is a validation error on the import form's file field.
func fileError(msgID, detail string) error {
	var v app.Validation
	v.Add("file", msgID, map[string]any{"Detail": detail})
	return v.Err()
}
