package audit_test

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/applier/audit"
)

const (
	dashboardFile  = "../../deploy/grafana/dashboards/audit.json"
	datasourceFile = "../../deploy/grafana/provisioning/datasources/clickhouse.yaml"
	pluginType     = "grafana-clickhouse-datasource"
)

// grafanaDashboard is the part of a dashboard's JSON the test reads.
type grafanaDashboard struct {
	Panels     []grafanaPanel `json:"panels"`
	Templating struct {
		List []struct {
			Name       string            `json:"name"`
			Datasource grafanaDatasource `json:"datasource"`
			Query      struct {
				RawSQL string `json:"rawSql"`
			} `json:"query"`
		} `json:"list"`
	} `json:"templating"`
}

type grafanaPanel struct {
	Title      string            `json:"title"`
	Type       string            `json:"type"`
	Datasource grafanaDatasource `json:"datasource"`
	Targets    []struct {
		Datasource grafanaDatasource `json:"datasource"`
		RawSQL     string            `json:"rawSql"`
		EditorType string            `json:"editorType"`
	} `json:"targets"`
	Panels []grafanaPanel `json:"panels"` // inside a row
}

type grafanaDatasource struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

// The plugin's macros (pkg/macros in grafana/clickhouse-datasource), expanded
// here as the plugin expands them. $__timeInterval and the _ms macros are left
// out on purpose: they expand to toStartOfInterval and DateTime64, which
// ClickHouse 18.16 lacks, so a panel using them fails this test.
var (
	timeFilterMacro = regexp.MustCompile(`\$__timeFilter\(\s*([^)]+?)\s*\)`)
	leftover        = regexp.MustCompile(`\$\{?[A-Za-z_][A-Za-z0-9_:]*`)
)

type grafanaQuery struct {
	from, to    time.Time
	intervalSec int
	destination string // the $destination variable; "__all" is All
}

func (q grafanaQuery) expand(t *testing.T, sql string) string {
	t.Helper()
	sql = timeFilterMacro.ReplaceAllString(sql, fmt.Sprintf("$1 >= toDateTime(%d) AND $1 <= toDateTime(%d)", q.from.Unix(), q.to.Unix()))
	sql = strings.NewReplacer(
		"$__fromTime", fmt.Sprintf("toDateTime(%d)", q.from.Unix()),
		"$__toTime", fmt.Sprintf("toDateTime(%d)", q.to.Unix()),
		"$__interval_s", strconv.Itoa(q.intervalSec),
		"${destination}", q.destination,
		"$destination", q.destination,
	).Replace(sql)
	require.Falsef(t, leftover.MatchString(sql), "a macro or variable this test does not expand (or one 18.16 cannot run): %s in\n%s",
		leftover.FindString(sql), sql)
	return sql
}

// Every query of the audit dashboard, each panel's and the variable's, runs
// against the real ClickHouse with the macros expanded, over seeded rows, and
// gives the expected answer; the panels use the provisioned datasource.
func TestAuditDashboardQueriesRun(t *testing.T) {
	body, err := os.ReadFile(dashboardFile)
	require.NoError(t, err)
	var d grafanaDashboard
	require.NoError(t, json.Unmarshal(body, &d))
	provisioned, err := os.ReadFile(datasourceFile)
	require.NoError(t, err)

	panels := map[string]string{} // title -> SQL
	var walk func([]grafanaPanel)
	walk = func(ps []grafanaPanel) {
		for _, p := range ps {
			walk(p.Panels)
			if p.Type == "row" {
				continue
			}
			require.Lenf(t, p.Targets, 1, "panel %q has one query", p.Title)
			tg := p.Targets[0]
			for _, ds := range []grafanaDatasource{p.Datasource, tg.Datasource} {
				require.Equal(t, pluginType, ds.Type, p.Title)
				require.Containsf(t, string(provisioned), "uid: "+ds.UID, "panel %q uses the provisioned datasource", p.Title)
			}
			require.Equal(t, "sql", tg.EditorType, p.Title)
			require.NotContains(t, panels, p.Title, "panel titles are unique")
			panels[p.Title] = tg.RawSQL
		}
	}
	walk(d.Panels)
	for _, title := range []string{"Writes per minute by status", "Failures by reason", "Cost per destination",
		"Latency p50 / p99", "Recent failures"} {
		require.Contains(t, panels, title)
	}
	require.Len(t, d.Templating.List, 1)
	variable := d.Templating.List[0]
	require.Equal(t, "destination", variable.Name)
	require.Equal(t, pluginType, variable.Datasource.Type)

	_, ch, _ := databases(t)
	var now time.Time
	require.NoError(t, ch.QueryRow(t.Context(), "SELECT now()").Scan(&now))
	now = now.UTC()
	ago := func(m int) time.Time { return now.Add(-time.Duration(m) * time.Minute) }
	seeded := []audit.Row{
		seedRow(ago(50), "a.myshopify.com", "variant", "SKU-1", audit.StatusOK, "", 10, 10, 100),
		seedRow(ago(40), "a.myshopify.com", "variant", "SKU-2", audit.StatusOK, "", 10, 10, 200),
		seedRow(ago(30), "a.myshopify.com", "variant", "SKU-3", audit.StatusOK, "", 10, 10, 300),
		seedRow(ago(25), "a.myshopify.com", "variant", "SKU-4", audit.StatusUserError, "Variant 12 not found", 5, 10, 400),
		seedRow(ago(20), "a.myshopify.com", "variant", "SKU-5", audit.StatusSkipped, "", 0, 0, 0),
		seedRow(ago(15), "b.myshopify.com", "product", "hat", audit.StatusOK, "", 40, 50, 1000),
		seedRow(ago(10), "b.myshopify.com", "product", "cap", audit.StatusFailed, "HTTP 502", 0, 50, 2000),
		seedRow(ago(120), "a.myshopify.com", "variant", "SKU-6", audit.StatusFailed, "before the range", 1000, 1000, 9000),
	}
	seed(t, ch, seeded)
	ts := func(r audit.Row) string { return r.Time.Format(time.DateTime) }

	all := grafanaQuery{from: ago(60), to: now, intervalSec: 60, destination: "__all"}
	onlyA := all
	onlyA.destination = "a.myshopify.com"
	run := func(q grafanaQuery, title string) []string {
		return runQuestion(t, ch, q.expand(t, panels[title]))
	}

	require.Equal(t, []string{"a.myshopify.com", "b.myshopify.com"}, runQuestion(t, ch, all.expand(t, variable.Query.RawSQL)))
	require.Equal(t, []string{"7"}, run(all, "Attempts"))
	require.Equal(t, []string{"5"}, run(onlyA, "Attempts"))
	require.Equal(t, []string{fmt.Sprint(2.0 / 7)}, run(all, "Failed"))
	require.Equal(t, []string{"75"}, run(all, "Cost points"))
	require.Equal(t, []string{"18.75"}, run(all, "Points per applied write"))
	require.Equal(t, []string{"failed: HTTP N | 1", "user_error: Variant N not found | 1"}, run(all, "Failures by reason"))
	require.Equal(t, []string{"b.myshopify.com | 40 | 100", "a.myshopify.com | 35 | 40"}, run(all, "Cost per destination"))
	require.Equal(t, []string{
		ts(seeded[6]) + " | b.myshopify.com | product | cap | update | productSet | failed | HTTP 502 | 1 | run-7 | 7",
		ts(seeded[3]) + " | a.myshopify.com | variant | SKU-4 | update | productSet | user_error | Variant 12 not found | 1 | run-7 | 7",
	}, run(all, "Recent failures"))
	require.Len(t, run(onlyA, "Recent failures"), 1)

	// Time series: one row per minute (and status); the rates add up to the
	// attempts, the percentiles stay within the seeded latencies.
	statuses := map[string]bool{}
	total := 0.0
	for _, r := range run(all, "Writes per minute by status") {
		cells := strings.Split(r, " | ")
		require.Len(t, cells, 3)
		statuses[cells[1]] = true
		v, err := strconv.ParseFloat(cells[2], 64)
		require.NoError(t, err)
		total += v
	}
	require.Equal(t, 7.0, total)
	require.Equal(t, map[string]bool{"ok": true, "user_error": true, "skipped": true, "failed": true}, statuses)
	latency := run(all, "Latency p50 / p99")
	require.Len(t, latency, 6, "one point per minute with a sent attempt")
	for _, r := range latency {
		cells := strings.Split(r, " | ")
		p50, err := strconv.ParseFloat(cells[1], 64)
		require.NoError(t, err)
		p99, err := strconv.ParseFloat(cells[2], 64)
		require.NoError(t, err)
		require.True(t, 100 <= p50 && p50 <= p99 && p99 <= 2000, r)
	}
	checkEveryPanelRan(t, ch, panels, all)
}

// checkEveryPanelRan runs every panel, including any added later without an
// expectation above, for both values of the variable.
func checkEveryPanelRan(t *testing.T, ch driver.Conn, panels map[string]string, q grafanaQuery) {
	t.Helper()
	for title, sql := range panels {
		for _, dest := range []string{"__all", "a.myshopify.com"} {
			q.destination = dest
			require.NotEmptyf(t, runQuestion(t, ch, q.expand(t, sql)), "panel %q shows the seeded rows", title)
		}
	}
}
