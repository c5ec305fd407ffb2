package skolverket

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

func replayFiles(t testing.TB) []string {
	fs, err := filepath.Glob("testdata/api-v4/*.jsonl")
	if err != nil || len(fs) != 6 {
		t.Fatalf("want the six recorded files, got %v %v", fs, err)
	}
	return fs
}

// expected counts the values and missing values of a replay file directly
// from its JSON, independently of the decoder.
func expected(t *testing.T, name string) (values, missing int, units map[string]bool) {
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	units = map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var rec struct {
			URL      string
			Response struct{ Body map[string]any }
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(rec.URL, "/statistics/") {
			units[rec.Response.Body["schoolUnit"].(string)] = true
			for k, v := range rec.Response.Body {
				list, ok := v.([]any)
				if !ok || apiKeys[k] == "" {
					continue
				}
				for _, e := range list {
					m := e.(map[string]any)
					if m["timePeriod"] == nil {
						continue
					}
					values++
					switch s, _ := m["value"].(string); s {
					case "", ".", "..", "*":
						missing++
					}
				}
			}
		}
		if strings.Count(strings.SplitN(rec.URL, "?", 2)[0], "/") == 6 && strings.Contains(rec.URL, "/school-units/") {
			units[rec.Response.Body["code"].(string)] = true
		}
	}
	return values, missing, units
}

func TestReadReplayRealFiles(t *testing.T) {
	for _, name := range replayFiles(t) {
		t.Run(filepath.Base(name), func(t *testing.T) {
			f, err := os.Open(name)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			d, err := ReadReplay(f, name)
			if err != nil {
				t.Fatal(err)
			}
			values, missing, units := expected(t, name)
			if d.Report.ValuesRead != values || len(d.Values) != values || values == 0 {
				t.Errorf("values %d/%d, file has %d", d.Report.ValuesRead, len(d.Values), values)
			}
			gotMissing := 0
			for st, n := range d.Report.Missing {
				gotMissing += n
				if st == StatusOK {
					t.Errorf("missing values with status OK: %d", n)
				}
			}
			if gotMissing != missing {
				t.Errorf("missing %d (%v), file has %d", gotMissing, d.Report.Missing, missing)
			}
			seen := map[string]bool{}
			for _, u := range d.Units {
				seen[u.Code] = true
			}
			for c := range units {
				if !seen[c] {
					t.Errorf("unit %s missing", c)
				}
			}
			if len(d.Report.UnknownColumns) != 0 {
				t.Errorf("unknown %v", d.Report.UnknownColumns)
			}
			for _, v := range d.Values {
				if _, ok := Lookup(v.Indicator); !ok {
					t.Fatalf("indicator %q not in catalogue", v.Indicator)
				}
				if v.Value == nil && v.Status == StatusOK {
					t.Fatalf("record %d: nil value with status OK: %+v", v.Line, v)
				}
				if v.Value != nil && *v.Value == 0 && !strings.HasPrefix(v.Raw, "0") {
					t.Fatalf("record %d: %q became zero", v.Line, v.Raw)
				}
				if v.Status == "ROUNDED_OFF_DUE_TO_FEW_PUPILS_NOT_ELIGIBLE" && (v.Value == nil || *v.Value != 100) {
					t.Fatalf("record %d: ~100 → %v", v.Line, v.Value)
				}
				if strings.HasPrefix(v.Raw, "cirka") && v.Status != StatusCirka {
					t.Fatalf("record %d: %q status %q", v.Line, v.Raw, v.Status)
				}
			}
		})
	}
	// A unit detail record fills name, municipality, organizer and coordinates.
	f, _ := os.Open("testdata/api-v4/responses-0163.jsonl")
	defer f.Close()
	d, err := ReadReplay(f, "0163")
	if err != nil {
		t.Fatal(err)
	}
	m := d.ForMunicipality("0163")
	if len(m.Units) != 24 || m.Report.ValuesRead == 0 || m.Report.ValuesRead > d.Report.ValuesRead {
		t.Errorf("0163: %d units, %d values", len(m.Units), m.Report.ValuesRead)
	}
	for _, v := range m.Values {
		if v.UnitCode == "76419481" { // listed under 0163, but with no statistics recorded
			t.Errorf("value for a unit without statistics: %+v", v)
		}
	}
	if other := d.ForMunicipality("0180"); len(other.Units) != 0 || len(other.Values) != 0 {
		t.Errorf("0180 in the 0163 file: %+v", other.Report)
	}
	for _, u := range d.Units {
		if u.Code == "56867397" {
			if u.Name != "Silverbäcken Dibber" || u.MunicipalityCode != "0163" || u.Organizer != "Dibber Inspira AB" || u.OrgNumber != "5566096516" || u.Lat == nil || *u.Lat < 59.4 {
				t.Errorf("unit %+v", u)
			}
		}
	}
}

func TestReadReplayMalformed(t *testing.T) {
	good, _ := os.ReadFile("testdata/api-v4/responses-0163.jsonl")
	lines := strings.Split(strings.TrimSpace(string(good)), "\n")
	for _, tc := range []struct {
		name, file, want string
	}{
		{"truncated record", strings.Join(lines[:3], "\n") + "\n" + lines[3][:len(lines[3])/2] + "\n", "line 4"},
		{"junk value", strings.Replace(strings.Join(lines, "\n"), `"value": "15,5", "valueType": "EXISTS"`, `"value": "15,5x", "valueType": "EXISTS"`, 1), "15,5x"},
		{"empty", "", "empty file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := ReadReplay(strings.NewReader(tc.file), "bad.jsonl")
			if err == nil || d != nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "bad.jsonl") {
				t.Errorf("err %v, want %q", err, tc.want)
			}
		})
	}
}

// replayServer serves recorded responses by path and query, as a real HTTP
// server. The first request to the unit list gets a 429 with Retry-After:
// 1, the first request to every unit detail a 503.
func replayServer(t *testing.T, file string) (*httptest.Server, *sync.Map) {
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	byKey := map[string]json.RawMessage{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var rec Record
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(rec.URL)
		byKey[u.Path+"?"+u.Query().Encode()] = rec.Response
	}
	var hits sync.Map // key → count
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept") != AcceptV4 {
			http.Error(w, "wrong Accept", http.StatusNotAcceptable)
			return
		}
		key := r.URL.Path + "?" + r.URL.Query().Encode()
		n, _ := hits.LoadOrStore(key, new(int))
		c := n.(*int)
		*c++
		parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
		if strings.HasSuffix(r.URL.Path, "/school-units") && *c == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		if parts[len(parts)-2] == "school-units" && *c == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		body, ok := byKey[key]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", AcceptV4)
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func valueSet(d *Data) []string {
	var s []string
	for _, v := range d.Values {
		s = append(s, fmt.Sprintf("%s %s %s %s %q", v.UnitCode, v.Indicator, v.SchoolYear, v.Status, v.Raw))
	}
	sort.Strings(s)
	return s
}

func TestClientAgainstReplay(t *testing.T) {
	for _, m := range []string{"0160", "0163"} {
		t.Run(m, func(t *testing.T) {
			file := "testdata/api-v4/responses-" + m + ".jsonl"
			srv, hits := replayServer(t, file)
			var rec bytes.Buffer
			c := &Client{BaseURL: srv.URL + "/planned-educations/v4", RatePerSecond: 1000, BaseDelay: time.Millisecond, Record: &rec}
			start := time.Now()
			d, err := c.Municipality(context.Background(), m)
			if err != nil {
				t.Fatal(err)
			}
			if time.Since(start) < time.Second {
				t.Error("Retry-After: 1 not honoured")
			}
			retried503 := false
			hits.Range(func(k, v any) bool {
				if strings.Count(k.(string), "/") == 4 && *v.(*int) >= 2 {
					retried503 = true
				}
				return true
			})
			if !retried503 {
				t.Error("no unit detail was retried after a 503")
			}
			f, _ := os.Open(file)
			defer f.Close()
			want, err := ReadReplay(f, file)
			if err != nil {
				t.Fatal(err)
			}
			if got, w := valueSet(d), valueSet(want); strings.Join(got, "\n") != strings.Join(w, "\n") {
				t.Errorf("client values (%d) differ from the replay (%d)", len(got), len(w))
			}
			if len(d.Units) != len(want.Units) {
				t.Errorf("units %d, replay %d", len(d.Units), len(want.Units))
			}
			// The recording replays to the same data.
			again, err := ReadReplay(&rec, "recorded")
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(valueSet(again), "\n") != strings.Join(valueSet(d), "\n") {
				t.Error("recorded responses replay differently")
			}
		})
	}
}

func TestClientFailures(t *testing.T) {
	var calls int
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		mu.Unlock()
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer srv.Close()
	c := &Client{BaseURL: srv.URL, RatePerSecond: 1000, BaseDelay: time.Millisecond, MaxRetries: 3}
	_, err := c.Municipality(context.Background(), "0163")
	var he *HTTPError
	if !errors.As(err, &he) || he.Status != 500 || calls != 4 {
		t.Errorf("err %v after %d calls, want HTTP 500 after 4", err, calls)
	}
	// Cancellation stops the backoff.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	c2 := &Client{BaseURL: srv.URL, RatePerSecond: 1000, BaseDelay: 10 * time.Second}
	start := time.Now()
	if _, err := c2.Municipality(ctx, "0163"); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Errorf("cancel: %v after %v", err, time.Since(start))
	}
	if _, err := (&Client{}).Municipality(context.Background(), "16x"); err == nil {
		t.Error("bad municipality code accepted")
	}
	// A 404 is not retried.
	calls = 0
	srv404 := httptest.NewServer(http.NotFoundHandler())
	defer srv404.Close()
	if _, err := (&Client{BaseURL: srv404.URL, RatePerSecond: 1000}).Municipality(context.Background(), "0163"); !errors.As(err, &he) || he.Status != 404 {
		t.Errorf("404 list: %v", err)
	}
}
