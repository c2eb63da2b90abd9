package ingest_test

import (
	"context"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/schema/testdb"
)

// deliveryClocks are the moments one benchmark delivery passed, from the
// benchmark's clock (sent, answered, consumed) and from the rows' own
// (now(), a transaction's start, on the same machine's clock).
type deliveryClocks struct {
	sent, answered, consumed []time.Time
}

func newDeliveryClocks(n int) *deliveryClocks {
	return &deliveryClocks{sent: make([]time.Time, n), answered: make([]time.Time, n), consumed: make([]time.Time, n)}
}

// relayBatches records the relay's "relay batch published" debug lines: for
// each batch, its outbox ids and the moments it was taken from the outbox,
// handed to Kafka, acknowledged and committed.
type relayBatches struct {
	mu      sync.Mutex
	batches []relayBatch
	// processor are the processor's "webhook batch committed" lines: per
	// batch, its claim, apply, mark and commit.
	processor [4][]time.Duration
}

type relayBatch struct {
	first, last                 int64
	taken, write, acked, commit time.Time
}

// handler is a slog.Handler that keeps the relay's and the processor's
// batch lines and drops everything else.
func (rb *relayBatches) handler() slog.Handler { return relayBatchHandler{rb} }

type relayBatchHandler struct{ rb *relayBatches }

func (h relayBatchHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h relayBatchHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h relayBatchHandler) WithGroup(string) slog.Handler            { return h }
func (h relayBatchHandler) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "webhook batch committed" {
		var d [4]time.Duration
		r.Attrs(func(a slog.Attr) bool {
			if i := slices.Index([]string{"claim", "apply", "mark", "commit"}, a.Key); i >= 0 {
				d[i] = a.Value.Duration()
			}
			return true
		})
		h.rb.mu.Lock()
		for i := range d {
			h.rb.processor[i] = append(h.rb.processor[i], d[i])
		}
		h.rb.mu.Unlock()
		return nil
	}
	if r.Message != "relay batch published" {
		return nil
	}
	var b relayBatch
	var write time.Duration
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "first_id":
			b.first = a.Value.Int64()
		case "last_id":
			b.last = a.Value.Int64()
		case "taken_at":
			b.taken = a.Value.Time()
		case "write_at":
			b.write = a.Value.Time()
		case "write":
			write = a.Value.Duration()
		case "committed_at":
			b.commit = a.Value.Time()
		}
		return true
	})
	b.acked = b.write.Add(write)
	h.rb.mu.Lock()
	h.rb.batches = append(h.rb.batches, b)
	h.rb.mu.Unlock()
	return nil
}

// of is the batch that published outbox row id.
func (rb *relayBatches) of(id int64) (relayBatch, bool) {
	rb.mu.Lock()
	defer rb.mu.Unlock()
	for _, b := range rb.batches {
		if b.first <= id && id <= b.last {
			return b, true
		}
	}
	return relayBatch{}, false
}

// logStages logs where the time of receipt-to-Kafka went, stage by stage,
// as p50 and p99 over the deliveries, from the benchmark's clock (sent,
// answered, consumed), the rows' (the outbox row's created_at: the
// processor's transaction start; processed_at: its outcome recorded, just
// before its commit) and the relay's batch lines (same machine's clock):
//
//	receipt to 200          HMAC, grouped insert and its durable commit
//	inbox wait              the 200 until the processor's batch began
//	processor batch         claim, mirror apply, outbox rows, mark
//	relay pick-up           processor's mark (then commit, NOTIFY) until the relay's take began
//	behind batch in flight  taken until handed to Kafka (the relay's previous batch first)
//	kafka ack               handed to Kafka until acknowledged (acks=all)
//	ack to consumer         acknowledged until the consumer read it (Kafka's fetch)
//
// These add up to receipt-to-Kafka. Beside them, off the change's own path
// but on the path of the relay's next batch: the relay's mark and commit
// after the acknowledgement. It returns the distribution of receipt to
// Kafka's acknowledgement (the first six stages: shopsync's path, where the
// last, ack to consumer, is Kafka's and the consumer's), sorted.

func logStages(b *testing.B, pool *pgxpool.Pool, c *deliveryClocks, rb *relayBatches) (toAck []time.Duration) {
	b.Helper()
	rows, err := pool.Query(context.Background(), `SELECT d.webhook_id, o.id, o.created_at, d.processed_at
		FROM webhook_deliveries d JOIN change_outbox o ON o.gid = d.payload->>'admin_graphql_api_id'
		WHERE d.webhook_id LIKE 'bench-%' AND o.published_at IS NOT NULL`)
	require.NoError(b, err)
	names := []string{"receipt to 200", "inbox wait", "processor batch", "relay pick-up", "behind batch in flight", "kafka ack", "ack to consumer", "(relay mark and commit)"}
	stages := make([][]time.Duration, len(names))
	for rows.Next() {
		var id string
		var outboxID int64
		var began, processed time.Time
		require.NoError(b, rows.Scan(&id, &outboxID, &began, &processed))
		i, err := strconv.Atoi(strings.TrimPrefix(id, "bench-"))
		if err != nil || i < 0 || i >= len(c.sent) || c.sent[i].IsZero() || c.answered[i].IsZero() || c.consumed[i].IsZero() {
			continue
		}
		rel, ok := rb.of(outboxID)
		if !ok {
			continue
		}
		for s, d := range []time.Duration{c.answered[i].Sub(c.sent[i]), began.Sub(c.answered[i]), processed.Sub(began),
			rel.taken.Sub(processed), rel.write.Sub(rel.taken), rel.acked.Sub(rel.write), c.consumed[i].Sub(rel.acked),
			rel.commit.Sub(rel.acked)} {
			stages[s] = append(stages[s], d)
		}
		toAck = append(toAck, rel.acked.Sub(c.sent[i]))
	}
	require.NoError(b, rows.Err())
	var line []string
	for s, name := range names {
		ds := stages[s]
		if len(ds) == 0 {
			continue
		}
		slices.Sort(ds)
		at := func(q float64) time.Duration { return ds[int(q*float64(len(ds)-1))].Round(100 * time.Microsecond) }
		line = append(line, name+" p50 "+at(0.5).String()+" p99 "+at(0.99).String())
	}
	rb.mu.Lock()
	defer rb.mu.Unlock()
	b.Logf("stages (%d deliveries, %d relay batches): %s", len(stages[0]), len(rb.batches), strings.Join(line, "; "))
	line = line[:0]
	for i, name := range []string{"claim", "apply", "mark", "commit"} {
		ds := slices.Sorted(slices.Values(rb.processor[i]))
		if len(ds) == 0 {
			continue
		}
		at := func(q float64) time.Duration { return ds[int(q*float64(len(ds)-1))].Round(100 * time.Microsecond) }
		line = append(line, name+" p50 "+at(0.5).String()+" p99 "+at(0.99).String())
	}
	b.Logf("processor batches (%d): %s", len(rb.processor[0]), strings.Join(line, "; "))
	slices.Sort(toAck)
	return toAck
}

// cpuSpent is the CPU time used so far by this process (the service, the
// senders and the consumer) and by the PostgreSQL backends connected to the
// benchmark's database. CPU per delivery tells the work a change costs
// apart from how long it waited for a core, which on a shared machine is
// most of its latency. postgresOK is false when the backends cannot be read.
type cpuSpent struct {
	process, postgres time.Duration
	postgresOK        bool
}

func cpuNow(b *testing.B, pool *pgxpool.Pool) cpuSpent {
	b.Helper()
	db, ok := testdb.BackendCPU(context.Background(), pool)
	return cpuSpent{process: testdb.ProcessCPU(), postgres: db, postgresOK: ok}
}

// logCPU logs the CPU time per delivery between two readings.
func logCPU(b *testing.B, from, to cpuSpent, n int) {
	b.Helper()
	per := func(d time.Duration) time.Duration { return (d / time.Duration(n)).Round(time.Microsecond) }
	postgres := "unreadable"
	if from.postgresOK && to.postgresOK {
		postgres = per(to.postgres - from.postgres).String()
	}
	b.Logf("CPU per delivery: this process %s, PostgreSQL backends %s",
		per(to.process-from.process), postgres)
}
