package faults

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/schema/testdb"
)

// degraded is what a case saw while a service was down.
type degraded struct {
	health   map[string]int // ingest /healthz answers: "503 database unreachable" -> times seen
	warnings []string       // distinct WARN/ERROR messages logged meanwhile
}

func (d degraded) String() string {
	var h []string
	for k, n := range d.health {
		h = append(h, fmt.Sprintf("%q x%d", k, n))
	}
	return fmt.Sprintf("ingest /healthz answered %s; logged: %s", strings.Join(h, ", "), strings.Join(d.warnings, " | "))
}

// watchOutage polls ingest's /healthz every 500 ms for d and collects the
// warnings every component logged from the moment the outage began.
func (p *pipeline) watchOutage(d time.Duration, from map[*proc]int) degraded {
	out := degraded{health: map[string]int{}}
	client := &http.Client{Timeout: 2 * time.Second}
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		answer := "no answer"
		if resp, err := client.Get("http://" + p.addr + "/healthz"); err == nil {
			body, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			answer = fmt.Sprintf("%d %s", resp.StatusCode, strings.TrimSpace(string(body)))
		}
		out.health[answer]++
		time.Sleep(500 * time.Millisecond) // the outage's pace, not synchronisation
	}
	seen := map[string]bool{}
	for _, c := range p.procs() {
		for _, line := range strings.Split(c.output()[from[c]:], "\n") {
			if !strings.Contains(line, `"level":"WARN"`) && !strings.Contains(line, `"level":"ERROR"`) {
				continue
			}
			msg := c.name + ": " + jsonField(line, "msg")
			if !seen[msg] && len(seen) < 8 {
				seen[msg] = true
				out.warnings = append(out.warnings, msg)
			}
		}
	}
	return out
}

// marks is where each component's output is now.
func (p *pipeline) marks() map[*proc]int {
	m := map[*proc]int{}
	for _, c := range p.procs() {
		m[c] = len(c.output())
	}
	return m
}

// jsonField pulls a string field out of a JSON log line without parsing
// the rest (lines may be cut).
func jsonField(line, field string) string {
	key := `"` + field + `":"`
	i := strings.Index(line, key)
	if i < 0 {
		return ""
	}
	rest := line[i+len(key):]
	if j := strings.Index(rest, `"`); j >= 0 {
		return rest[:j]
	}
	return rest
}

// migrate runs `shopsync migrate` with env.
func migrate(t *testing.T, env ...string) {
	t.Helper()
	cmd := exec.Command(shopsyncBin, "migrate")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "shopsync migrate:\n%s", out)
}

// restartDead starts again, as a supervisor would, a component the outage
// made exit, and says which.
func (p *pipeline) restartDead() []string {
	var dead []string
	for _, c := range p.procs() {
		if !c.running() {
			why := lastLineWith(c.output(), "level")
			if m := jsonField(why, "msg"); m != "" {
				why = m + ": " + jsonField(why, "err") + jsonField(why, "error")
			}
			if i := strings.LastIndex(c.output(), "shopsync:"); i >= 0 {
				why = firstLine(c.output()[i:])
			}
			dead = append(dead, c.name+" ("+short2(why, 300)+")")
			c.stop()
			c.start()
			if c == p.ingest {
				p.waitIngestListening()
			}
		}
	}
	return dead
}

// outageCase is what the three outage cases share: sync, take the service
// down, change the source meanwhile, bring it back, and check that every
// change and every audit row arrived.
func outageCase(t *testing.T, what string, p *pipeline, tw *throwaway, during func(degraded)) {
	r := report(t, fmt.Sprintf("%d products synced to %d destinations; %s stopped for %v (throwaway instance) while %d changes "+
		"are made in the source, then started again", *flagProducts/3, len(p.dsts), what, *flagOutage, *flagChurn/3))
	cat := newCatalog(t, p.src, 8)
	cat.seed(*flagProducts / 3)
	p.start()
	p.waitConverged(*flagConverge)

	from := p.marks()
	tw.down()
	cat.churn(*flagChurn / 3)
	deg := p.watchOutage(*flagOutage, from)
	found(t, "while %s was down: %s", what, deg)
	took := tw.up()
	dead := p.restartDead()
	found(t, "%s back after %v; components that had exited and were restarted: %v", what, took.Round(time.Millisecond), dead)
	if during != nil {
		during(deg)
	}
	// A component should ride out the outage with clear logs, not exit; the
	// case restarted it (as a supervisor would) to check nothing was lost,
	// but the exit is a failure.
	defer func() {
		if len(dead) > 0 {
			t.Errorf("components exited during the %s outage: %v", what, dead)
		}
	}()

	took, d := p.waitConverged(*flagConverge)
	dup := d.duplicated + p.mirrorDuplicates()
	r.sent = cat.changes * len(p.dsts)
	r.lost = d.missing + d.wrong + d.extra
	r.applied = r.sent - r.lost
	r.duplicated = dup
	a := p.waitAudited(2 * time.Minute)
	var unpublished int
	require.Eventually(t, func() bool {
		return p.db.QueryRow(context.Background(), `SELECT count(*) FROM change_outbox WHERE published_at IS NULL`).Scan(&unpublished) == nil &&
			unpublished == 0
	}, 2*time.Minute, 500*time.Millisecond, "mirror changes left unpublished to Kafka")
	found(t, "destinations equal the plan %v after; every mirror change published; audit outbox drained, %d rows for %d attempt ids, "+
		"%d settled deltas with one row per attempt", took.Round(time.Millisecond), a.rows, a.attemptIDs, a.settledChecked)
	require.Zero(t, dup)
}

// Kafka stopped mid-stream (issue #11, item 2): the relay keeps changes in
// the outbox and the planner's periodic full plan keeps the destinations
// in step from PostgreSQL; when Kafka is back the outbox drains.
func TestKafkaOutage(t *testing.T) {
	tw := newThrowaway(t, "kafka")
	tw.up()
	p := newPipeline(t, pipelineOptions{env: []string{"KAFKA_BROKERS=" + tw.url()}})
	outageCase(t, "Kafka", p, tw, nil)
}

// ClickHouse stopped (issue #11, item 2): audit rows wait in PostgreSQL's
// outbox and reach ClickHouse when it is back, one per attempt.
func TestClickHouseOutage(t *testing.T) {
	tw := newThrowaway(t, "clickhouse")
	tw.up()
	dbURL := testdb.PostgresURL(t)
	migrate(t, "DATABASE_URL="+dbURL, "CLICKHOUSE_DSN="+tw.url())
	p := newPipeline(t, pipelineOptions{databaseURL: dbURL, clickhouseDSN: tw.url()})
	outageCase(t, "ClickHouse", p, tw, nil)
}

// PostgreSQL restarted (issue #11, item 2): stopped for the outage and
// started again; ingest's /healthz says the database is unreachable
// meanwhile, and nothing is lost.
func TestPostgresRestart(t *testing.T) {
	tw := newThrowaway(t, "postgres")
	tw.up()
	chDSN := testdb.ClickHouseDSN(t)
	migrate(t, "DATABASE_URL="+tw.url(), "CLICKHOUSE_DSN="+chDSN)
	p := newPipeline(t, pipelineOptions{databaseURL: tw.url(), clickhouseDSN: chDSN})
	outageCase(t, "PostgreSQL", p, tw, func(d degraded) {
		unhealthy := 0
		for answer, n := range d.health {
			if strings.HasPrefix(answer, "503") {
				unhealthy += n
			}
		}
		require.Positive(t, unhealthy, "ingest's /healthz never said the database was unreachable: %s", d)
	})
}
