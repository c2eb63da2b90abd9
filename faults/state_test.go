package faults

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/schema"
	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// want is what a destination product must be after the link's rules
// (match by handle, every field synced, +10 % on prices).
type want struct {
	title, body, vendor string
	prices              []string
}

// diff is how the destinations differ from what the plan asks of them.
type diff struct {
	expected   int // products expected over all destinations
	missing    int // a source product absent from a destination
	wrong      int // present, but a field or price differs
	extra      int // a destination product with no live source product
	duplicated int // products beyond the first with the same handle
	examples   []string
	handles    []string // of the first differences
}

func (d diff) clean() bool { return d.missing+d.wrong+d.extra+d.duplicated == 0 }

func (d diff) String() string {
	return fmt.Sprintf("%d expected, %d missing, %d wrong, %d extra, %d duplicated %v",
		d.expected, d.missing, d.wrong, d.extra, d.duplicated, d.examples)
}

// marked up is the link's price rule for the whole-unit prices the cases
// use: +10 %, exact in cents.
func markedUp(price string) string {
	f, err := strconv.ParseFloat(price, 64)
	if err != nil {
		return "unparsable " + price
	}
	cents := int64(f*100+0.5) * 110 / 100
	return fmt.Sprintf("%d.%02d", cents/100, cents%100)
}

func prices(shop *fakeshop.Shop, p *fakeshop.Product, rule func(string) string) []string {
	var out []string
	for _, v := range shop.Variants(p) {
		out = append(out, rule(v.Price))
	}
	slices.Sort(out)
	return out
}

// compare reads the stores themselves (not the mirror) and compares each
// destination with the source.
func (p *pipeline) compare() diff {
	wants := map[string]want{}
	for _, sp := range p.src.Products() {
		wants[sp.Handle] = want{title: sp.Title, body: sp.DescriptionHTML, vendor: sp.Vendor, prices: prices(p.src, sp, markedUp)}
	}
	var d diff
	note := func(format string, args ...any) {
		if len(d.handles) < 3 && len(args) > 1 {
			if h, ok := args[1].(string); ok {
				d.handles = append(d.handles, h)
			}
		}
		if len(d.examples) < 5 {
			d.examples = append(d.examples, fmt.Sprintf(format, args...))
		}
	}
	for _, dst := range p.dsts {
		d.expected += len(wants)
		seen := map[string]int{}
		for _, dp := range dst.Products() {
			seen[dp.Handle]++
			if seen[dp.Handle] > 1 {
				d.duplicated++
				note("%s: handle %s twice", dst.Name(), dp.Handle)
				continue
			}
			w, ok := wants[dp.Handle]
			if !ok {
				d.extra++
				note("%s: %s has no source product", dst.Name(), dp.Handle)
				continue
			}
			got := want{title: dp.Title, body: dp.DescriptionHTML, vendor: dp.Vendor, prices: prices(dst, dp, func(s string) string { return s })}
			if got.title != w.title || got.body != w.body || got.vendor != w.vendor || !slices.Equal(got.prices, w.prices) {
				d.wrong++
				note("%s: %s is %q %v, want %q %v", dst.Name(), dp.Handle, short(got.title), got.prices, short(w.title), w.prices)
			}
		}
		for h := range wants {
			if seen[h] == 0 {
				d.missing++
				note("%s: %s missing", dst.Name(), h)
			}
		}
	}
	if p.orders {
		p.compareOrders(&d)
	}
	return d
}

func short(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "..."
	}
	return s
}

// waitConverged polls until every destination equals the plan, failing
// with the last difference after within. It returns how long it took.
func (p *pipeline) waitConverged(within time.Duration) (time.Duration, diff) {
	p.t.Helper()
	start := time.Now()
	var last diff
	for {
		last = p.compare()
		if last.clean() {
			return time.Since(start), last
		}
		if time.Since(start) > within {
			for _, c := range p.procs() {
				p.t.Logf("%s output (end):\n%s", c.name, c.tail(4000))
			}
			p.t.Fatalf("not converged within %v: %v\nfakeshop webhooks: %+v\nplan deltas: %s\nmirror rows of the first examples: %s",
				within, last, p.srv.WebhookStats(), p.deltaSummary(), p.mirrorRows(last.handles))
		}
		time.Sleep(500 * time.Millisecond) // polling the stores, not synchronising
	}
}

// audit is what the audit trail says once the applier has flushed it.
type audit struct {
	rows       uint64 // rows in ClickHouse (FINAL: copies folded)
	copies     uint64 // rows beyond one per attempt_id before folding
	attemptIDs uint64 // distinct attempt ids
	outbox     int    // rows still waiting in PostgreSQL
	attempts   int64  // attempts counted on the plan's deltas
	pending    int    // deltas not yet applied, failed or superseded
	failed     int
	// settledChecked is the number of settled deltas whose audit rows
	// waitAudited matched with their attempts.
	settledChecked int
}

// readAudit reads ClickHouse and PostgreSQL.
func (p *pipeline) readAudit() audit {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ch := p.clickhouse()
	defer ch.Close()
	var a audit
	var raw uint64
	require.NoError(p.t, ch.QueryRow(ctx, "SELECT count(), uniqExact(attempt_id) FROM audit_writes FINAL").Scan(&a.rows, &a.attemptIDs))
	require.NoError(p.t, ch.QueryRow(ctx, "SELECT count() FROM audit_writes").Scan(&raw))
	a.copies = raw - a.attemptIDs
	require.NoError(p.t, p.db.QueryRow(ctx, "SELECT count(*) FROM audit_outbox").Scan(&a.outbox))
	require.NoError(p.t, p.db.QueryRow(ctx, `SELECT coalesce(sum(attempts), 0),
		count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'failed') FROM plan_deltas`).Scan(&a.attempts, &a.pending, &a.failed))
	return a
}

// waitAudited waits until every audit row has left the PostgreSQL outbox,
// then checks one audit row per attempt: ClickHouse has no copies of an
// attempt, and every settled delta (applied, failed or superseded) has as
// many rows as the attempts counted on it. Pending deltas may have an
// attempt under way, so they are left out.
func (p *pipeline) waitAudited(within time.Duration) audit {
	p.t.Helper()
	ctx := context.Background()
	// An attempt a killed applier left under way is audited (as
	// interrupted) by the next holder of the destination's lease, which may
	// have to wait for the lease to expire: wait for those of settled deltas
	// (a pending delta's attempt may simply be under way).
	var underway int
	require.Eventually(p.t, func() bool {
		require.NoError(p.t, p.db.QueryRow(ctx, `SELECT count(*) FROM applier_attempts a
			JOIN plan_deltas d ON d.id = a.delta_id WHERE d.status <> 'pending'`).Scan(&underway))
		return underway == 0
	}, within, 500*time.Millisecond, "attempts of settled deltas still under way: %d\n%s", underway, p.applier.tail(3000))

	// The settled deltas now; their audit rows were put in the outbox in
	// the transactions that settled them, so every one is at or below the
	// outbox's highest id read after. The applier may go on writing (new
	// rows above it) while the flusher delivers these.
	attempts := map[uint64]int64{}
	statuses := map[uint64]string{}
	rows, err := p.db.Query(ctx, `SELECT id, attempts, status || ' ' || operation || ' ' || resource FROM plan_deltas WHERE status <> 'pending' AND attempts > 0`)
	require.NoError(p.t, err)
	for rows.Next() {
		var id uint64
		var n int64
		var st string
		require.NoError(p.t, rows.Scan(&id, &n, &st))
		attempts[id], statuses[id] = n, st
	}
	require.NoError(p.t, rows.Err())
	var maxID int64
	require.NoError(p.t, p.db.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM audit_outbox`).Scan(&maxID))
	var waiting int
	require.Eventually(p.t, func() bool {
		require.NoError(p.t, p.db.QueryRow(ctx, `SELECT count(*) FROM audit_outbox WHERE id <= $1`, maxID).Scan(&waiting))
		return waiting == 0
	}, within, 500*time.Millisecond, "the audit outbox did not deliver its rows: %d waiting\n%s", waiting, p.applier.tail(3000))
	a := p.readAudit()
	require.Equal(p.t, a.rows, a.attemptIDs, "audit rows are not one per attempt id: %+v", a)

	ch := p.clickhouse()
	defer ch.Close()
	audited := map[uint64]int64{}
	crows, err := ch.Query(ctx, `SELECT delta_id, count() FROM audit_writes FINAL GROUP BY delta_id`)
	require.NoError(p.t, err)
	for crows.Next() {
		var id, n uint64
		require.NoError(p.t, crows.Scan(&id, &n))
		audited[id] = int64(n)
	}
	require.NoError(p.t, crows.Err())
	var mismatched []string
	for id, n := range attempts {
		if audited[id] != n {
			mismatched = append(mismatched, fmt.Sprintf("delta %d (%s): %d attempts, %d audit rows", id, statuses[id], n, audited[id]))
		}
	}
	slices.Sort(mismatched)
	if len(mismatched) > 0 {
		var byStatus string
		_ = ch.QueryRow(ctx, `SELECT arrayStringConcat(groupArray(concat(status, ' ', toString(c))), ', ') FROM
			(SELECT status, count() AS c FROM audit_writes FINAL GROUP BY status)`).Scan(&byStatus)
		var notOK string
		_ = ch.QueryRow(ctx, `SELECT arrayStringConcat(groupArray(concat('delta ', toString(delta_id), ' ', status, ' ', operation, ' ',
			key, ' attempt ', toString(attempt), ': ', substring(error, 1, 120))), '; ') FROM
			(SELECT * FROM audit_writes FINAL WHERE status <> 'ok' ORDER BY delta_id LIMIT 5)`).Scan(&notOK)
		p.t.Fatalf("settled deltas whose attempts and audit rows differ (%d of %d; audit rows by status: %s): %v\nfirst audit rows not ok: %s",
			len(mismatched), len(attempts), byStatus, mismatched[:min(len(mismatched), 8)], notOK)
	}
	a.settledChecked = len(attempts)
	return a
}

// clickhouse opens the case's ClickHouse database.
func (p *pipeline) clickhouse() driver.Conn {
	p.t.Helper()
	opts, err := schema.ParseClickHouseDSN(p.chDSN)
	require.NoError(p.t, err)
	ch, err := clickhouse.Open(opts)
	require.NoError(p.t, err)
	return ch
}

// mirrorDuplicates counts live mirror rows sharing a store and handle,
// beyond the first.
func (p *pipeline) mirrorDuplicates() int {
	p.t.Helper()
	var n int
	require.NoError(p.t, p.db.QueryRow(context.Background(), `SELECT coalesce(sum(c - 1), 0) FROM (
		SELECT count(*) AS c FROM products WHERE deleted_at IS NULL GROUP BY store, handle) d`).Scan(&n))
	return n
}

// deltaSummary counts the plan's deltas by status, resource, operation
// and reason, for failure messages.
func (p *pipeline) deltaSummary() string {
	rows, err := p.db.Query(context.Background(), `SELECT status, resource, operation, reason, count(*)
		FROM plan_deltas GROUP BY 1, 2, 3, 4 ORDER BY 5 DESC LIMIT 20`)
	if err != nil {
		return err.Error()
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var st, res, op, reason string
		var n int
		if err := rows.Scan(&st, &res, &op, &reason, &n); err != nil {
			return err.Error()
		}
		fmt.Fprintf(&b, "\n  %s %s %s %q: %d", st, res, op, reason, n)
	}
	return b.String()
}

// pendingDeltas counts deltas not yet applied.
func (p *pipeline) pendingDeltas() int {
	p.t.Helper()
	var n int
	require.NoError(p.t, p.db.QueryRow(context.Background(), `SELECT count(*) FROM plan_deltas WHERE status = 'pending'`).Scan(&n))
	return n
}

// waitSettled waits until the plan has nothing pending across two full
// plans in a row: the destinations equal the plan and the planner agrees.
func (p *pipeline) waitSettled(within, planEvery time.Duration) {
	p.t.Helper()
	deadline := time.Now().Add(within)
	quietSince := time.Time{}
	for {
		n := p.pendingDeltas()
		switch {
		case n > 0:
			quietSince = time.Time{}
		case quietSince.IsZero():
			quietSince = time.Now()
		case time.Since(quietSince) > 2*planEvery+time.Second:
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("the plan does not settle within %v: %d deltas pending; by kind:%s", within, n, p.deltaSummary())
		}
		time.Sleep(250 * time.Millisecond) // polling the plan table
	}
}

// mirrorRows describes the mirror's rows of some handles, every store, for
// failure messages.
func (p *pipeline) mirrorRows(handles []string) string {
	rows, err := p.db.Query(context.Background(), `SELECT store, handle, gid, title, version, coalesce(updated_at::text, '-'),
		coalesce(deleted_at::text, 'live'), synced_at::text FROM products WHERE handle = ANY($1) ORDER BY handle, store`, handles)
	if err != nil {
		return err.Error()
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var store, handle, gid, title, updated, deleted, synced string
		var version int64
		if err := rows.Scan(&store, &handle, &gid, &title, &version, &updated, &deleted, &synced); err != nil {
			return err.Error()
		}
		fmt.Fprintf(&b, "\n  %s %s %s %q v%d updated %s deleted %s synced %s", store, handle, gid, short(title), version, updated, deleted, synced)
	}
	return b.String()
}
