package skolverket

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// DefaultBaseURL is the planned-educations API v4.
const DefaultBaseURL = "https://api.skolverket.se/planned-educations/v4"

// Client fetches units and statistics for one municipality from the
// planned-educations API v4: it pages through the unit list, fetches each
// unit and its statistics per school form, sends the versioned Accept
// header, keeps a polite rate, retries with exponential backoff on 429,
// 5xx and network errors (honouring Retry-After), and stops when the
// context is cancelled. Zero fields take the defaults below. A Client may be
// used by one Municipality call at a time per rate budget; it is safe for
// concurrent use but shares its rate limiter.
type Client struct {
	BaseURL       string       // default DefaultBaseURL
	HTTP          *http.Client // default a client with a 30 s timeout
	RatePerSecond float64      // default 5
	// Record, when set, receives every successful response in the replay
	// format (one JSON object per line), so a live fetch can be replayed
	// with ReadReplay.
	Record io.Writer
	// SchoolForms whose statistics are fetched; default ["gr"].
	SchoolForms []string
	// MaxRetries per request; default 5.
	MaxRetries int
	// BaseDelay is the first backoff delay, doubled per retry (with
	// jitter) up to MaxDelay; defaults 500 ms and 30 s.
	BaseDelay, MaxDelay time.Duration
	// Now is the clock for fetchedAt; default time.Now.
	Now func() time.Time

	once    sync.Once
	limiter *rate.Limiter
	recMu   sync.Mutex
}

var municipalityRe = regexp.MustCompile(`^\d{4}$`)

func (c *Client) init() {
	c.once.Do(func() {
		if c.BaseURL == "" {
			c.BaseURL = DefaultBaseURL
		}
		c.BaseURL = strings.TrimRight(c.BaseURL, "/")
		if c.HTTP == nil {
			c.HTTP = &http.Client{Timeout: 30 * time.Second}
		}
		if c.RatePerSecond <= 0 {
			c.RatePerSecond = 5
		}
		if len(c.SchoolForms) == 0 {
			c.SchoolForms = []string{"gr"}
		}
		if c.MaxRetries <= 0 {
			c.MaxRetries = 5
		}
		if c.BaseDelay <= 0 {
			c.BaseDelay = 500 * time.Millisecond
		}
		if c.MaxDelay <= 0 {
			c.MaxDelay = 30 * time.Second
		}
		if c.Now == nil {
			c.Now = time.Now
		}
		c.limiter = rate.NewLimiter(rate.Limit(c.RatePerSecond), 1)
	})
}

// HTTPError is a non-retryable (or finally failed) HTTP status.
type HTTPError struct {
	URL    string
	Status int
}

func (e *HTTPError) Error() string { return fmt.Sprintf("GET %s: HTTP %d", e.URL, e.Status) }

// Municipality fetches the school units of the municipality (four-digit
// code, e.g. "0163") that offer year 9 of grundskolan, each unit's details
// and its statistics, and returns them decoded exactly as ReadReplay would
// decode the recorded responses. A unit whose details or statistics are
// not found (404) is reported in Report.Problems and the rest continue;
// any other failure after the retries aborts with an error and no data.
func (c *Client) Municipality(ctx context.Context, code string) (*Data, error) {
	if !municipalityRe.MatchString(code) {
		return nil, fmt.Errorf("skolverket: municipality code %q: want four digits", code)
	}
	c.init()
	dc := newDecoder("api " + c.BaseURL + " municipality " + code)
	n := 0
	var notFound []Problem
	get := func(u string) (bool, error) {
		rec, err := c.get(ctx, u)
		var he *HTTPError
		if errors.As(err, &he) && he.Status == http.StatusNotFound {
			notFound = append(notFound, Problem{Field: u, Msg: "not found (404); skipped"})
			return false, nil
		}
		if err != nil {
			return false, err
		}
		n++
		dc.add(n, rec)
		return true, nil
	}
	var codes []string
	for page, pages := 0, 1; page < pages; page++ {
		u := fmt.Sprintf("%s/school-units?page=%d&size=50&geographicalAreaCode=%s&typeOfSchooling=gr&schoolYears=9&coordinateSystemType=WGS84", c.BaseURL, page, code)
		rec, err := c.get(ctx, u)
		if err != nil {
			return nil, err
		}
		n++
		dc.add(n, rec)
		var env envelope
		var p apiListPage
		if err := json.Unmarshal(rec.Response, &env); err != nil {
			return nil, fmt.Errorf("GET %s: %w", u, err)
		}
		if err := json.Unmarshal(env.Body, &p); err != nil {
			return nil, fmt.Errorf("GET %s: %w", u, err)
		}
		pages = p.Page.TotalPages
		if pages > 1000 {
			return nil, fmt.Errorf("GET %s: implausible page count %d", u, pages)
		}
		for _, a := range p.Embedded.Listed {
			if unitCodeRe.MatchString(a.Code) {
				codes = append(codes, a.Code)
			}
		}
	}
	for _, uc := range codes {
		if _, err := get(c.BaseURL + "/school-units/" + uc); err != nil {
			return nil, err
		}
		for _, f := range c.SchoolForms {
			if _, err := get(c.BaseURL + "/school-units/" + uc + "/statistics/" + f); err != nil {
				return nil, err
			}
		}
	}
	d, err := dc.finish()
	if err != nil {
		return nil, err
	}
	d.Report.Problems = append(d.Report.Problems, notFound...)
	return d, nil
}

// get fetches one URL with rate limiting and retries and returns it as a
// record (and writes it to Record).
func (c *Client) get(ctx context.Context, u string) (Record, error) {
	var lastErr error
	for attempt := 0; ; attempt++ {
		if err := c.limiter.Wait(ctx); err != nil {
			return Record{}, err
		}
		body, retryAfter, err := c.once1(ctx, u)
		if err == nil {
			rec := Record{URL: u, Accept: AcceptV4, FetchedAt: c.Now().UTC().Format("2006-01-02T15:04:05.000Z"), Response: body}
			if c.Record != nil {
				line, _ := json.Marshal(rec)
				c.recMu.Lock()
				_, werr := c.Record.Write(append(line, '\n'))
				c.recMu.Unlock()
				if werr != nil {
					return Record{}, fmt.Errorf("recording %s: %w", u, werr)
				}
			}
			return rec, nil
		}
		lastErr = err
		var he *HTTPError
		retryable := !errors.As(err, &he) || he.Status == http.StatusTooManyRequests || he.Status >= 500
		if ctx.Err() != nil {
			return Record{}, ctx.Err()
		}
		if !retryable || attempt >= c.MaxRetries {
			return Record{}, fmt.Errorf("skolverket: %w (after %d attempts)", lastErr, attempt+1)
		}
		delay := c.BaseDelay << attempt
		if delay > c.MaxDelay || delay <= 0 {
			delay = c.MaxDelay
		}
		delay = delay/2 + time.Duration(rand.Int64N(int64(delay/2)+1))
		if retryAfter > 0 {
			delay = min(retryAfter, c.MaxDelay)
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return Record{}, ctx.Err()
		case <-t.C:
		}
	}
}

// once1 does one request. It returns the body, the Retry-After delay (if
// the server sent one) and an error (*HTTPError for a bad status).
func (c *Client) once1(ctx context.Context, u string) (json.RawMessage, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Accept", AcceptV4)
	req.Header.Set("User-Agent", "styrkedjan (+https://github.com/styrkedjan/styrkedjan)")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return nil, 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, retryAfter(resp.Header.Get("Retry-After"), c.Now()), &HTTPError{URL: u, Status: resp.StatusCode}
	}
	if !json.Valid(body) {
		return nil, 0, fmt.Errorf("GET %s: response is not JSON", u)
	}
	return json.RawMessage(body), 0, nil
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if s, err := strconv.Atoi(h); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}
