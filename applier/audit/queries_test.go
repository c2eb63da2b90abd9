package audit_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/applier/audit"
)

// questionsDir holds the shipped audit questions.
const questionsDir = "../../deploy/sql/audit"

// placeholder is ClickHouse's query-parameter syntax, {name:Type}.
var placeholder = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*):([A-Za-z0-9()]+)\}`)

// Every file in deploy/sql/audit runs against the real ClickHouse over seeded
// rows, each seeded twice (the copies a resend could leave), and gives the
// answer worked out by hand here.
func TestShippedAuditQuestions(t *testing.T) {
	ctx := context.Background()
	_, ch, _ := databases(t)
	day := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	at := func(hm string) time.Time {
		d, err := time.ParseDuration(hm)
		require.NoError(t, err)
		return day.Add(d)
	}
	seed(t, ch, []audit.Row{
		seedRow(at("10h5m"), "a.myshopify.com", "product", "hat", audit.StatusOK, "", 10, 12, 100),
		seedRow(at("10h20m"), "a.myshopify.com", "variant", "SKU-1", audit.StatusOK, "", 10, 12, 200),
		seedRow(at("10h40m"), "a.myshopify.com", "variant", "SKU-2", audit.StatusUserError, "Variant 123 not found", 5, 10, 300),
		seedRow(at("11h10m"), "a.myshopify.com", "variant", "SKU-3", audit.StatusUserError, "Variant 456 not found", 5, 10, 400),
		seedRow(at("11h30m"), "a.myshopify.com", "variant", "SKU-4", audit.StatusThrottled, "Throttled", 0, 10, 50),
		seedRow(at("11h31m"), "a.myshopify.com", "variant", "SKU-5", audit.StatusSkipped, "", 0, 0, 0),
		seedRow(at("10h"), "b.myshopify.com", "product", "hat", audit.StatusOK, "", 40, 30, 1000),
		seedRow(at("12h"), "b.myshopify.com", "product", "cap", audit.StatusFailed, "HTTP 502 from Shopify", 0, 30, 5000),
		// Outside [from, to): to is excluded.
		seedRow(at("24h"), "a.myshopify.com", "product", "late", audit.StatusFailed, "late", 1000, 1000, 9000),
		seedRow(at("-1s"), "b.myshopify.com", "product", "early", audit.StatusFailed, "early", 1000, 1000, 9000),
	})
	window := map[string]string{
		"from": "toDateTime('2026-03-10 00:00:00', 'UTC')",
		"to":   "toDateTime('2026-03-11 00:00:00', 'UTC')",
	}

	// Yesterday is the server's: seed around its midnight.
	var today0 time.Time
	require.NoError(t, ch.QueryRow(ctx, "SELECT toStartOfDay(now(), 'UTC')").Scan(&today0))
	today0 = today0.UTC()
	yesterday := []audit.Row{
		seedRow(today0.Add(-23*time.Hour), "a.myshopify.com", "product", "hat", audit.StatusOK, "", 10, 10, 100),
		seedRow(today0.Add(-time.Second), "a.myshopify.com", "variant", "SKU-1", audit.StatusOK, "", 10, 10, 100),
		seedRow(today0.Add(-2*time.Hour), "a.myshopify.com", "variant", "SKU-2", audit.StatusUserError, "no", 10, 10, 100),
		seedRow(today0.Add(-3*time.Hour), "b.myshopify.com", "variant", "SKU-1", audit.StatusOK, "", 10, 10, 100),
		seedRow(today0.Add(-24*time.Hour-time.Second), "a.myshopify.com", "variant", "SKU-9", audit.StatusOK, "", 10, 10, 100),
		seedRow(today0, "a.myshopify.com", "variant", "SKU-8", audit.StatusOK, "", 10, 10, 100),
	}
	yesterday[0].Operation, yesterday[0].Before, yesterday[0].After = audit.OperationCreate, "{}", `{"title":"Hat"}`
	seed(t, ch, yesterday)
	ts := func(t time.Time) string { return t.Format(time.DateTime) }

	cases := map[string]struct {
		params map[string]string
		want   []string
	}{
		"what_changed_in_store_yesterday.sql": {
			params: map[string]string{"store": "'a.myshopify.com'"},
			want: []string{
				ts(yesterday[0].Time) + ` | product | hat | gid://shopify/Product/hat | create | productSet | {} | {"title":"Hat"} | run-7 | 7`,
				ts(yesterday[1].Time) + ` | variant | SKU-1 | gid://shopify/Product/SKU-1 | update | productSet | {"price":"1.00"} | {"price":"2.00"} | run-7 | 7`,
			},
		},
		"failures_by_reason.sql": {
			params: window,
			want: []string{
				"user_error | Variant N not found | 2 | 1 | 2 | 2026-03-10 10:40:00 | 2026-03-10 11:10:00 | Variant 123 not found",
				"failed | HTTP N from Shopify | 1 | 1 | 1 | 2026-03-10 12:00:00 | 2026-03-10 12:00:00 | HTTP 502 from Shopify",
				"throttled | Throttled | 1 | 1 | 1 | 2026-03-10 11:30:00 | 2026-03-10 11:30:00 | Throttled",
			},
		},
		"cost_per_destination.sql": {
			params: window,
			want: []string{
				"b.myshopify.com | 2 | 1 | 40 | 60 | 20 | 40",
				"a.myshopify.com | 6 | 2 | 30 | 54 | 5 | 15",
			},
		},
		"latency_percentiles_per_destination.sql": {
			params: window,
			want: []string{
				// Ranks floor(level * n) of [1000 5000] and [50 100 200 300 400].
				"b.myshopify.com | 2 | 5000 | 5000 | 5000 | 5000",
				"a.myshopify.com | 5 | 200 | 400 | 400 | 400",
			},
		},
		"writes_per_hour.sql": {
			params: window,
			want: []string{
				"2026-03-10 10:00:00 | a.myshopify.com | 3 | 2 | 1 | 0 | 0 | 0 | 25",
				"2026-03-10 10:00:00 | b.myshopify.com | 1 | 1 | 0 | 0 | 0 | 0 | 40",
				"2026-03-10 11:00:00 | a.myshopify.com | 3 | 0 | 1 | 1 | 0 | 1 | 5",
				"2026-03-10 12:00:00 | b.myshopify.com | 1 | 0 | 0 | 0 | 1 | 0 | 0",
			},
		},
	}

	files, err := filepath.Glob(filepath.Join(questionsDir, "*.sql"))
	require.NoError(t, err)
	require.Len(t, files, len(cases), "every shipped question has a case here, and every case a file")
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			c, ok := cases[name]
			require.Truef(t, ok, "%s has no test case", name)
			body, err := os.ReadFile(file)
			require.NoError(t, err)
			require.Truef(t, strings.HasPrefix(string(body), "-- Question: "), "%s starts with the question it answers", name)
			require.Equal(t, c.want, runQuestion(t, ch, substitute(t, string(body), c.params)))
		})
	}
}

// substitute replaces each {name:Type} placeholder by params[name], an SQL
// literal, as a ClickHouse without query parameters (18.16) needs.
func substitute(t *testing.T, sql string, params map[string]string) string {
	t.Helper()
	used := map[string]bool{}
	out := placeholder.ReplaceAllStringFunc(sql, func(m string) string {
		name := placeholder.FindStringSubmatch(m)[1]
		v, ok := params[name]
		require.Truef(t, ok, "no value for parameter %s", m)
		used[name] = true
		return v
	})
	require.Len(t, used, len(params), "every parameter given is used")
	return out
}

// runQuestion runs sql and renders each result row as its values joined by
// " | " (times UTC, to the second).
func runQuestion(t *testing.T, ch driver.Conn, sql string) []string {
	t.Helper()
	rows, err := ch.Query(context.Background(), sql)
	require.NoError(t, err, sql)
	defer rows.Close()
	types := rows.ColumnTypes()
	var out []string
	for rows.Next() {
		dest := make([]any, len(types))
		for i, ct := range types {
			dest[i] = reflect.New(ct.ScanType()).Interface()
		}
		require.NoError(t, rows.Scan(dest...))
		cells := make([]string, len(dest))
		for i, d := range dest {
			switch v := reflect.ValueOf(d).Elem().Interface().(type) {
			case time.Time:
				cells[i] = v.UTC().Format(time.DateTime)
			default:
				cells[i] = fmt.Sprint(v)
			}
		}
		out = append(out, strings.Join(cells, " | "))
	}
	require.NoError(t, rows.Err())
	return out
}

// seed inserts rows into ClickHouse twice: the second batch is the copy a
// resend racing its first insert would leave, which FINAL must not count.
func seed(t *testing.T, ch driver.Conn, rows []audit.Row) {
	t.Helper()
	for i := range rows {
		rows[i].AttemptID = uuid.New()
	}
	for range 2 {
		require.NoError(t, audit.Insert(ch, "audit_writes", rows))
	}
}

func seedRow(at time.Time, dest, resource, key, status, errText string, cost, requested, latency uint32) audit.Row {
	return audit.Row{
		Time: at, RunID: "run-7", DeltaID: 7, Source: "source.myshopify.com", Destination: dest,
		Resource: resource, Key: key, TargetGID: "gid://shopify/Product/" + key,
		Operation: audit.OperationUpdate, Mutation: "productSet",
		Before: `{"price":"1.00"}`, After: `{"price":"2.00"}`,
		Status: status, Error: errText, RequestedCost: requested, Cost: cost, LatencyMS: latency, Attempt: 1,
	}
}
