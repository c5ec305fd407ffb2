package round

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/placement"
	"github.com/styrkedjan/styrkedjan/internal/placement/batch"
	"github.com/styrkedjan/styrkedjan/internal/placement/explain"
	"github.com/styrkedjan/styrkedjan/internal/placement/walknet"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Run kinds and statuses.
const (
	KindMain   = "main"
	KindWhatIf = "whatif"
	// KindRecheck reruns the standing result's inputs and capacities with
	// the current engine, also after publishing, so an officer sees which
	// pupils' placements the current engine would change (issue 20). It is
	// never accepted: a published decision changes only by a new decision.
	// Stored as kind 'whatif' with recheck set (migration 00009).
	KindRecheck = "recheck"

	StatusRunning   = "running"
	StatusDone      = "done"
	StatusFailed    = "failed"
	StatusDiscarded = "discarded"
)

// ErrInterrupted is the error recorded on runs a crash or restart ended.
const ErrInterrupted = "interrupted: the server stopped during the run"

// A Run is one execution of a round.
type Run struct {
	ID         int64
	RoundID    int64
	Kind       string
	Capacities Capacities
	BaseRunID  *int64 // a what-if's or recheck's comparison: the result when it started
	// Engine is the placement.Engine that made the run (1 for runs from
	// before engines were recorded).
	Engine     int
	Status     string
	Stage      string
	Done       int
	Total      int
	Error      string
	StartedAt  time.Time
	FinishedAt *time.Time
	Summary    *batch.Summary
	Cutoffs    []batch.Cutoff
}

// Running reports whether the run is still going.
func (r *Run) Running() bool { return r.Status == StatusRunning }

// Outdated reports whether an earlier engine made the run: its decisions
// may differ from what the current engine decides (issue 20).
func (r *Run) Outdated() bool { return r.Engine < placement.Engine }

const runColumns = `id, round_id, kind, recheck, engine, capacities, base_run_id, status, stage, done, total, error, started_at, finished_at,
	summary_json, cutoffs_json FROM placement_runs`

func scanRun(sc interface{ Scan(...any) error }) (*Run, error) {
	var r Run
	var caps, sum, cut string
	var recheck bool
	if err := sc.Scan(&r.ID, &r.RoundID, &r.Kind, &recheck, &r.Engine, &caps, &r.BaseRunID, &r.Status, &r.Stage, &r.Done, &r.Total, &r.Error,
		&r.StartedAt, &r.FinishedAt, &sum, &cut); err != nil {
		return nil, err
	}
	if recheck {
		r.Kind = KindRecheck
	}
	r.Capacities = decodeCapacities(caps)
	if sum != "" {
		r.Summary = &batch.Summary{}
		if err := json.Unmarshal([]byte(sum), r.Summary); err != nil {
			return nil, fmt.Errorf("round: run %d summary: %w", r.ID, err)
		}
	}
	if cut != "" {
		if err := json.Unmarshal([]byte(cut), &r.Cutoffs); err != nil {
			return nil, fmt.Errorf("round: run %d cut-offs: %w", r.ID, err)
		}
	}
	return &r, nil
}

// GetRun returns a run of a round; anything else is app.NotFound.
func GetRun(ctx context.Context, q store.Q, roundID, runID int64) (*Run, error) {
	r, err := scanRun(q.QueryRow(ctx, "SELECT "+runColumns+" WHERE id = ? AND round_id = ?", runID, roundID))
	if errors.Is(err, store.ErrNotFound) {
		return nil, app.NotFound()
	}
	return r, err
}

// Runs lists a round's runs, newest first.
func Runs(ctx context.Context, q store.Q, roundID int64) ([]*Run, error) {
	rows, err := q.Query(ctx, "SELECT "+runColumns+" WHERE round_id = ? ORDER BY id DESC", roundID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Run
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, store.Normalize(err)
		}
		out = append(out, r)
	}
	return out, store.Normalize(rows.Err())
}

// DefaultLeaseTTL is how long a run's lease lasts without renewal: the
// process executing a run renews it every third of that, so a run whose
// lease ran out was left by a process that died.
const DefaultLeaseTTL = time.Minute

// FailInterrupted marks runs still 'running' that no live process owns as
// failed, so they can be rerun: runs of other instances than keep whose
// lease has run out (a process killed mid-run stops renewing it), and
// runs without a lease (those of Offline services and from before
// leases). A run left by a dead process is thus failed, never taken over
// and never run twice. NewService calls it, and the jobs' watchdog calls
// it in one process at a time, so that the processes still running fail
// the runs of one that died.
func FailInterrupted(ctx context.Context, q store.Q, keep string) (int, error) {
	now := store.Now()
	res, err := q.Exec(ctx, `UPDATE placement_runs SET status = ?, error = ?, finished_at = ?
		WHERE status = ? AND instance <> ? AND (lease_until IS NULL OR lease_until < ?)`,
		StatusFailed, ErrInterrupted, now, StatusRunning, keep, now)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// Instance is this service's name on the runs it executes.
func (s *Service) Instance() string { return s.instance }

// Service runs placement rounds in the background of a server process.
type Service struct {
	db       *store.DB
	instance string
	log      *slog.Logger
	// CacheDir, when set, keeps walking-distance matrices on disk.
	CacheDir string
	// LeaseTTL is the lease of the runs this service executes (renewed
	// every third of it); 0, as for Offline, leaves runs without a lease.
	LeaseTTL time.Duration

	wg     sync.WaitGroup
	mu     sync.Mutex
	graphs map[int64]loadedGraph // by network, the last two used
	order  []int64
	dists  map[int64]*batch.Distances // by round: what-ifs reuse the distances
}

// NewService starts a service for this process: runs another process left
// running are marked failed first.
func NewService(ctx context.Context, db *store.DB, log *slog.Logger) (*Service, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.Default()
	}
	s := &Service{db: db, instance: hex.EncodeToString(b), log: log, graphs: map[int64]loadedGraph{}, LeaseTTL: DefaultLeaseTTL}
	n, err := FailInterrupted(ctx, db, s.instance)
	if err != nil {
		return nil, err
	}
	if n > 0 {
		log.Warn("placement runs interrupted by a restart marked failed", "runs", n)
	}
	return s, nil
}

// Wait waits for the runs this service started.
func (s *Service) Wait() { s.wg.Wait() }

func (s *Service) graph(ctx context.Context, q store.Q, id int64) (*walknet.Graph, bool, error) {
	s.mu.Lock()
	n, ok := s.graphs[id]
	s.mu.Unlock()
	if ok {
		return n.g, n.generated, nil
	}
	g, _, generated, err := loadGraph(ctx, q, id)
	if err != nil {
		return nil, false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.graphs[id]; !ok {
		s.graphs[id] = loadedGraph{g, generated}
		s.order = append(s.order, id)
		if len(s.order) > 2 {
			delete(s.graphs, s.order[0])
			s.order = s.order[1:]
		}
	}
	return g, generated, nil
}

// Graph returns a stored network's walking graph from the service's
// memory (read on first use, the last two kept) and whether it is a
// made-up example network. The guardians' application pages use it for
// walking distances, so they share the runs' cached graph.
func (s *Service) Graph(ctx context.Context, q store.Q, networkID int64) (*walknet.Graph, bool, error) {
	return s.graph(ctx, q, networkID)
}

// loadedGraph is a network read into memory.
type loadedGraph struct {
	g         *walknet.Graph
	generated bool
}

// Start begins a run of the round in the background and returns its ID.
// A round with a run in progress refuses (app.ECONFLICT), and so does a
// published round, except for a recheck (KindRecheck; caps are ignored:
// a recheck takes the standing result's).
func (s *Service) Start(ctx context.Context, roundID int64, kind string, caps Capacities) (int64, error) {
	id, err := s.begin(ctx, s.db, roundID, kind, caps)
	if err != nil {
		return 0, err
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		bg := context.WithoutCancel(ctx)
		if err := s.Execute(bg, s.db, id); err != nil {
			s.log.Warn("placement run failed", "round", roundID, "run", id, "err", err)
		}
	}()
	return id, nil
}

// RunNow runs the round to the end in the caller's goroutine and
// transaction or database (the demo uses it).
func (s *Service) RunNow(ctx context.Context, q store.Q, roundID int64, kind string, caps Capacities) (int64, error) {
	id, err := s.begin(ctx, q, roundID, kind, caps)
	if err != nil {
		return 0, err
	}
	return id, s.Execute(ctx, q, id)
}

func (s *Service) begin(ctx context.Context, q store.Q, roundID int64, kind string, caps Capacities) (int64, error) {
	if err := requireOfficer(ctx); err != nil {
		return 0, err
	}
	var id int64
	err := store.InTx(ctx, q, func(tx *store.Tx) error {
		r, err := Get(ctx, tx, roundID)
		if err != nil {
			return err
		}
		if r.Published() && kind != KindRecheck {
			return app.Errorf(app.ECONFLICT, "placementweb.err.published")
		}
		if kind != KindMain && r.ResultRunID == nil {
			return app.Errorf(app.ECONFLICT, "placementweb.err.no_result")
		}
		if kind == KindRecheck {
			// The standing result's inputs as they were: its what-if
			// capacities too.
			res, err := GetRun(ctx, tx, roundID, *r.ResultRunID)
			if err != nil {
				return err
			}
			caps = res.Capacities
		}
		var running int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM placement_runs WHERE round_id = ? AND status = ?", roundID, StatusRunning).Scan(&running); err != nil {
			return err
		}
		if running > 0 {
			return app.Errorf(app.ECONFLICT, "placementweb.err.running")
		}
		var lease *time.Time
		if s.LeaseTTL > 0 {
			l := store.Now().Add(s.LeaseTTL)
			lease = &l
		}
		// Every run records the result standing when it started: a what-if
		// or recheck is compared with it, and a main rerun shows what it
		// would change before the officer lets it replace it (Accept).
		base := r.ResultRunID
		stored := kind
		if kind == KindRecheck {
			stored = KindWhatIf
		}
		// The unique index placement_runs_one_running refuses a second
		// running run that another process started at the same moment.
		if err := tx.QueryRow(ctx, `INSERT INTO placement_runs (round_id, kind, recheck, engine, capacities, base_run_id, status, stage, instance, started_at, lease_until)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, roundID, stored, kind == KindRecheck, placement.Engine, caps.encode(), base,
			StatusRunning, "queued", s.instance, store.Now(), lease).Scan(&id); err != nil {
			if errors.Is(err, store.ErrAlreadyExists) {
				return app.Errorf(app.ECONFLICT, "placementweb.err.running")
			}
			return err
		}
		return audit.Log(ctx, tx, audit.Create, "placement_run", strconv.FormatInt(id, 10), fmt.Sprintf("round %d, %s", roundID, kind))
	})
	return id, err
}

// Execute performs a started run: reads the round, runs the engine with
// progress written to the run's row, and stores the results and the
// summary in one transaction, so a kill leaves either all or nothing
// (and a run marked running, which FailInterrupted fails at the next
// start). A failure is recorded on the run.
func (s *Service) Execute(ctx context.Context, q store.Q, runID int64) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("round: run %d panicked: %v", runID, p)
		}
		if err != nil {
			msg := err.Error()
			if len(msg) > 4000 {
				msg = msg[:4000]
			}
			_, _ = q.Exec(context.WithoutCancel(ctx), "UPDATE placement_runs SET status = ?, error = ?, finished_at = ? WHERE id = ? AND status = ?",
				StatusFailed, msg, store.Now(), runID, StatusRunning)
		}
	}()
	var roundID int64
	var kind, caps string
	if err := q.QueryRow(ctx, "SELECT round_id, kind, capacities FROM placement_runs WHERE id = ?", runID).Scan(&roundID, &kind, &caps); err != nil {
		return err
	}
	if db, ok := q.(*store.DB); ok && s.LeaseTTL > 0 {
		stop := s.renew(ctx, db, runID)
		defer stop()
	}
	r, err := Get(ctx, q, roundID)
	if err != nil {
		return err
	}
	schools, apps, rules, err := r.runInputs(ctx, q)
	if err != nil {
		return err
	}
	schools = decodeCapacities(caps).Apply(schools)
	var last time.Time
	var lastStage batch.Stage
	progress := func(p batch.Progress) {
		now := time.Now()
		if p.Stage == lastStage && now.Sub(last) < 300*time.Millisecond {
			return
		}
		last, lastStage = now, p.Stage
		_, _ = q.Exec(ctx, "UPDATE placement_runs SET stage = ?, done = ?, total = ? WHERE id = ?", string(p.Stage), p.Done, p.Total, runID)
	}
	progress(batch.Progress{Stage: batch.StageLoading, Done: 0, Total: 1})
	g, generated, err := s.graph(ctx, q, r.NetworkID)
	if err != nil {
		return err
	}
	s.mu.Lock()
	known := s.dists[roundID]
	s.mu.Unlock()
	out, err := batch.Run(ctx, batch.Input{Graph: g, Generated: generated, Schools: schools, Applicants: apps, Rules: rules, CacheDir: s.CacheDir, Distances: known, FarHomes: true}, progress)
	if err != nil {
		return err
	}
	s.mu.Lock()
	if s.dists == nil || len(s.dists) >= 4 {
		s.dists = map[int64]*batch.Distances{} // a few rounds at a time
	}
	s.dists[roundID] = out.Distances
	s.mu.Unlock()
	return store.InTx(ctx, q, func(tx *store.Tx) error {
		if err := saveResults(ctx, tx, runID, out); err != nil {
			return err
		}
		if kind == KindMain {
			if err := recordAccess(ctx, tx, roundID, out.Access); err != nil {
				return err
			}
		}
		if kind == KindMain { // the first result; a rerun waits for Accept
			if _, err := tx.Exec(ctx, "UPDATE placement_rounds SET result_run_id = ?, updated_at = ? WHERE id = ? AND published_at IS NULL AND result_run_id IS NULL",
				runID, store.Now(), roundID); err != nil {
				return err
			}
		}
		return nil
	})
}

// renew keeps the run's lease while it executes, renewing it every third
// of LeaseTTL until the returned stop is called.
func (s *Service) renew(ctx context.Context, db *store.DB, runID int64) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(s.LeaseTTL / 3)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if _, err := db.Exec(ctx, "UPDATE placement_runs SET lease_until = ? WHERE id = ? AND status = ? AND instance = ?",
				store.Now().Add(s.LeaseTTL), runID, StatusRunning, s.instance); err != nil && ctx.Err() == nil {
				s.log.Warn("placement run lease", "run", runID, "err", err)
			}
		}
	}()
	return func() { cancel(); <-done }
}

func saveResults(ctx context.Context, tx *store.Tx, runID int64, out *batch.Output) error {
	for i, p := range out.Result.Placements {
		ex, err := json.Marshal(&out.Explanations[i])
		if err != nil {
			return err
		}
		m := p.Meters
		if math.IsInf(m, 0) || math.IsNaN(m) || p.SchoolID == "" {
			m = 0
		}
		if _, err := tx.Exec(ctx, `INSERT INTO placement_results (run_id, applicant_id, year, school_id, choice_rank, meters, fallback, explanation)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, runID, p.ApplicantID, p.Year, p.SchoolID, p.ChoiceRank, m, p.Fallback, string(ex)); err != nil {
			return err
		}
	}
	sum, err := json.Marshal(out.Summary)
	if err != nil {
		return err
	}
	cut, err := json.Marshal(out.Cutoffs)
	if err != nil {
		return err
	}
	res, err := tx.Exec(ctx, `UPDATE placement_runs SET status = ?, stage = ?, done = total, summary_json = ?, cutoffs_json = ?, finished_at = ?
		WHERE id = ? AND status = ?`, StatusDone, string(batch.StageDone), string(sum), string(cut), store.Now(), runID, StatusRunning)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("round: run %d is no longer running", runID)
	}
	return nil
}

// Accept makes a finished what-if, or a main rerun made while a result
// stood, the round's result (never a recheck).
func Accept(ctx context.Context, q store.Q, roundID, runID int64) error {
	if err := requireOfficer(ctx); err != nil {
		return err
	}
	return store.InTx(ctx, q, func(tx *store.Tx) error {
		r, err := Get(ctx, tx, roundID)
		if err != nil {
			return err
		}
		run, err := GetRun(ctx, tx, roundID, runID)
		if err != nil {
			return err
		}
		if r.Published() {
			return app.Errorf(app.ECONFLICT, "placementweb.err.published")
		}
		if run.Kind != KindWhatIf && run.Kind != KindMain || run.Status != StatusDone || (r.ResultRunID != nil && *r.ResultRunID == runID) {
			return app.Errorf(app.ECONFLICT, "placementweb.err.not_acceptable")
		}
		if _, err := tx.Exec(ctx, "UPDATE placement_rounds SET result_run_id = ?, updated_at = ? WHERE id = ?", runID, store.Now(), roundID); err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Update, "placement_round", strconv.FormatInt(roundID, 10), fmt.Sprintf("%s run %d accepted", run.Kind, runID))
	})
}

// Discard drops a what-if or recheck that is not the round's result, with
// its results.
func Discard(ctx context.Context, q store.Q, roundID, runID int64) error {
	if err := requireOfficer(ctx); err != nil {
		return err
	}
	return store.InTx(ctx, q, func(tx *store.Tx) error {
		r, err := Get(ctx, tx, roundID)
		if err != nil {
			return err
		}
		run, err := GetRun(ctx, tx, roundID, runID)
		if err != nil {
			return err
		}
		if run.Kind != KindWhatIf && run.Kind != KindRecheck && run.Kind != KindMain || run.Running() || (r.ResultRunID != nil && *r.ResultRunID == runID) {
			return app.Errorf(app.ECONFLICT, "placementweb.err.not_discardable")
		}
		if _, err := tx.Exec(ctx, "DELETE FROM placement_results WHERE run_id = ?", runID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE placement_runs SET status = ? WHERE id = ?", StatusDiscarded, runID); err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Update, "placement_round", strconv.FormatInt(roundID, 10), fmt.Sprintf("what-if run %d discarded", runID))
	})
}

// A Decision is one applicant's stored result.
type Decision struct {
	ApplicantID string
	Year        int
	SchoolID    string
	ChoiceRank  int
	Meters      float64
	Fallback    bool
	Explanation explain.Explanation
}

func scanDecisions(ctx context.Context, q store.Q, where string, args ...any) ([]Decision, error) {
	rows, err := q.Query(ctx, `SELECT applicant_id, year, school_id, choice_rank, meters, fallback, explanation
		FROM placement_results WHERE `+where+` ORDER BY applicant_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Decision
	for rows.Next() {
		var d Decision
		var ex string
		if err := rows.Scan(&d.ApplicantID, &d.Year, &d.SchoolID, &d.ChoiceRank, &d.Meters, &d.Fallback, &ex); err != nil {
			return nil, store.Normalize(err)
		}
		if err := json.Unmarshal([]byte(ex), &d.Explanation); err != nil {
			return nil, fmt.Errorf("round: explanation of %s: %w", d.ApplicantID, err)
		}
		out = append(out, d)
	}
	return out, store.Normalize(rows.Err())
}

// Decisions returns every decision of a run, by applicant ID, for roles
// with the placement permission; the read is audited.
func Decisions(ctx context.Context, q store.Q, roundID, runID int64) ([]Decision, error) {
	if err := requireOfficer(ctx); err != nil {
		return nil, err
	}
	if _, err := GetRun(ctx, q, roundID, runID); err != nil {
		return nil, err
	}
	ds, err := scanDecisions(ctx, q, "run_id = ?", runID)
	if err != nil {
		return nil, err
	}
	return ds, audit.Log(ctx, q, audit.Read, "placement_results", strconv.FormatInt(runID, 10), fmt.Sprintf("round %d: %d decisions", roundID, len(ds)))
}

// DecisionOf returns one applicant's decision in a run; audited.
func DecisionOf(ctx context.Context, q store.Q, roundID, runID int64, applicantID string) (*Decision, error) {
	if err := requireOfficer(ctx); err != nil {
		return nil, err
	}
	if _, err := GetRun(ctx, q, roundID, runID); err != nil {
		return nil, err
	}
	ds, err := scanDecisions(ctx, q, "run_id = ? AND applicant_id = ?", runID, applicantID)
	if err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return nil, app.NotFound()
	}
	return &ds[0], audit.Log(ctx, q, audit.Read, "placement_decision", fmt.Sprintf("%d/%s", roundID, applicantID), fmt.Sprintf("run %d", runID))
}

// outputOf rebuilds the part of a batch.Output that batch.Diff reads.
func outputOf(ds []Decision) *batch.Output {
	res := &placement.Result{Placements: make([]placement.Placement, len(ds))}
	for i, d := range ds {
		res.Placements[i] = placement.Placement{ApplicantID: d.ApplicantID, Year: d.Year, SchoolID: d.SchoolID,
			ChoiceRank: d.ChoiceRank, Meters: d.Meters, Fallback: d.Fallback}
	}
	return &batch.Output{Result: res}
}

// Diff lists the pupils whose school or choice rank differs between two
// runs of a round (batch.Diff over the stored results); audited.
func Diff(ctx context.Context, q store.Q, roundID, beforeRun, afterRun int64) ([]batch.Change, error) {
	if err := requireOfficer(ctx); err != nil {
		return nil, err
	}
	for _, id := range []int64{beforeRun, afterRun} {
		if _, err := GetRun(ctx, q, roundID, id); err != nil {
			return nil, err
		}
	}
	before, err := scanDecisions(ctx, q, "run_id = ?", beforeRun)
	if err != nil {
		return nil, err
	}
	after, err := scanDecisions(ctx, q, "run_id = ?", afterRun)
	if err != nil {
		return nil, err
	}
	ch := batch.Diff(outputOf(before), outputOf(after))
	return ch, audit.Log(ctx, q, audit.Read, "placement_results", strconv.FormatInt(afterRun, 10),
		fmt.Sprintf("round %d: %d changes against run %d", roundID, len(ch), beforeRun))
}

// Offline returns a service without a database of its own, for RunNow in
// a caller's transaction (the demo, commands).
func Offline(log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	return &Service{instance: "offline", log: log, graphs: map[int64]loadedGraph{}}
}

// A Recheck is the latest recheck of a round's standing result and, when
// it is done, the pupils whose placement the current engine would change.
type Recheck struct {
	Run     *Run
	Changes []batch.Change
}

// LatestRecheck returns the latest recheck of the round's standing result
// (nil when there is none, or the round has no result), with its diff
// when done; reading the diff is audited like Diff.
func LatestRecheck(ctx context.Context, q store.Q, roundID int64) (*Recheck, error) {
	if err := requireOfficer(ctx); err != nil {
		return nil, err
	}
	r, err := Get(ctx, q, roundID)
	if err != nil || r.ResultRunID == nil {
		return nil, err
	}
	run, err := scanRun(q.QueryRow(ctx, "SELECT "+runColumns+" WHERE round_id = ? AND recheck = ? AND base_run_id = ? AND status <> ? ORDER BY id DESC LIMIT 1",
		roundID, true, *r.ResultRunID, StatusDiscarded))
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	rc := &Recheck{Run: run}
	if run.Status == StatusDone {
		if rc.Changes, err = Diff(ctx, q, roundID, *r.ResultRunID, run.ID); err != nil {
			return nil, err
		}
	}
	return rc, nil
}
