package ingest_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
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

// logStages logs where the time of receipt-to-Kafka went, stage by stage,
// as p50 and p99 over the deliveries: the HTTP request until the inbox
// insert began, the insert and its commit until the 200, the wait in the
// inbox until the processor's batch began, from there until the relay's
// batch began (the processor's transaction, its notification, the relay's
// wake-up), and from there until the consumer read the event (the relay's
// publish, Kafka, the consumer's fetch).
func logStages(b *testing.B, pool *pgxpool.Pool, c *deliveryClocks) {
	b.Helper()
	rows, err := pool.Query(context.Background(), `SELECT d.webhook_id, d.received_at, d.processed_at, o.published_at
		FROM webhook_deliveries d JOIN change_outbox o ON o.gid = d.payload->>'admin_graphql_api_id'
		WHERE d.webhook_id LIKE 'bench-%' AND o.published_at IS NOT NULL`)
	require.NoError(b, err)
	stages := [5][]time.Duration{}
	for rows.Next() {
		var id string
		var received, processed, published time.Time
		require.NoError(b, rows.Scan(&id, &received, &processed, &published))
		i, err := strconv.Atoi(strings.TrimPrefix(id, "bench-"))
		if err != nil || i < 0 || i >= len(c.sent) || c.sent[i].IsZero() || c.answered[i].IsZero() || c.consumed[i].IsZero() {
			continue
		}
		for s, d := range []time.Duration{received.Sub(c.sent[i]), c.answered[i].Sub(received),
			processed.Sub(received), published.Sub(processed), c.consumed[i].Sub(published)} {
			stages[s] = append(stages[s], d)
		}
	}
	require.NoError(b, rows.Err())
	var line []string
	for s, name := range []string{"request to insert", "insert to 200", "inbox wait", "processor to relay batch", "relay batch to consumer"} {
		ds := stages[s]
		if len(ds) == 0 {
			continue
		}
		slices.Sort(ds)
		at := func(q float64) time.Duration { return ds[int(q*float64(len(ds)-1))].Round(100 * time.Microsecond) }
		line = append(line, name+" p50 "+at(0.5).String()+" p99 "+at(0.99).String())
	}
	b.Logf("stages: %s", strings.Join(line, "; "))
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
