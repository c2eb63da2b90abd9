package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/applier"
	"github.com/shopsync/shopsync/ingest/reconcile"
	"github.com/shopsync/shopsync/ingest/runs"
	"github.com/shopsync/shopsync/ingest/snapshot"
	"github.com/shopsync/shopsync/ingest/webhooks"
	"github.com/shopsync/shopsync/mirror"
)

const deployDir = "../../deploy"

// metricInfo is what a component registers under one name.
type metricInfo struct {
	kind   string // counter, gauge or histogram
	labels []string
}

// metricRecorder is a prometheus.Registerer that remembers the name, type
// and labels of every metric registered through it, before handing the
// collector to a real registry (which still refuses duplicates).
type metricRecorder struct {
	t       *testing.T
	reg     *prometheus.Registry
	metrics map[string]metricInfo
}

var descPattern = regexp.MustCompile(`fqName: "([^"]+)".*variableLabels: \{([^}]*)\}`)

func (r *metricRecorder) Register(c prometheus.Collector) error {
	if err := r.reg.Register(c); err != nil {
		return err
	}
	var kind string
	switch c.(type) {
	// Gauge first: a Gauge also has a Counter's methods.
	case prometheus.Gauge, *prometheus.GaugeVec, *statusCollector, *applier.InventoryCollector:
		kind = "gauge"
	case prometheus.Counter, *prometheus.CounterVec:
		kind = "counter"
	case prometheus.Histogram, *prometheus.HistogramVec:
		kind = "histogram"
	default:
		r.t.Fatalf("collector %T: the test does not know its metric type", c)
	}
	ch := make(chan *prometheus.Desc, 16)
	go func() { c.Describe(ch); close(ch) }()
	for d := range ch {
		m := descPattern.FindStringSubmatch(d.String())
		require.NotNilf(r.t, m, "descriptor %s", d)
		var labels []string
		if m[2] != "" {
			labels = strings.Split(m[2], ",")
		}
		r.metrics[m[1]] = metricInfo{kind: kind, labels: labels}
	}
	return nil
}

func (r *metricRecorder) MustRegister(cs ...prometheus.Collector) {
	for _, c := range cs {
		require.NoError(r.t, r.Register(c))
	}
}

func (r *metricRecorder) Unregister(c prometheus.Collector) bool { return r.reg.Unregister(c) }

// componentMetrics registers every component's collectors as the binary
// does, one registry per process, and returns what each registered.
func componentMetrics(t *testing.T) map[string]map[string]metricInfo {
	t.Helper()
	out := map[string]map[string]metricInfo{}
	record := func(component string, register func(prometheus.Registerer) error) {
		rec := &metricRecorder{t: t, reg: prometheus.NewRegistry(), metrics: map[string]metricInfo{}}
		require.NoError(t, register(rec), component)
		out[component] = rec.metrics
	}
	// ingest.New registers these five on its Config.Registry (a concrete
	// *prometheus.Registry, which cannot be inspected for collectors that
	// have seen no observation yet); the same constructors are called here.
	record("ingest", func(reg prometheus.Registerer) error {
		if _, err := mirror.NewMetrics(reg); err != nil {
			return err
		}
		if _, err := runs.NewMetrics(reg); err != nil {
			return err
		}
		if _, err := snapshot.NewMetrics(reg); err != nil {
			return err
		}
		if _, err := reconcile.NewMetrics(reg); err != nil {
			return err
		}
		_, err := webhooks.NewMetrics(reg)
		return err
	})
	record("planner", func(reg prometheus.Registerer) error {
		_, err := newPlannerMetrics(reg)
		return err
	})
	record("applier", func(reg prometheus.Registerer) error {
		_, err := newApplierMetrics(reg, nil)
		return err
	})
	return out
}

// Every metric shopsync registers follows Prometheus' naming conventions:
// the shopsync_ prefix, _total on counters and only on counters, base units
// (_seconds, never _ms), and no label that could hold a secret.
func TestMetricNamesFollowConventions(t *testing.T) {
	units := regexp.MustCompile(`_(ms|milliseconds|minutes|hours|bytes_total_bytes)$`)
	for component, metrics := range componentMetrics(t) {
		require.NotEmpty(t, metrics, component)
		for name, m := range metrics {
			require.Truef(t, strings.HasPrefix(name, "shopsync_"), "%s: %s lacks the shopsync_ prefix", component, name)
			require.Equalf(t, m.kind == "counter", strings.HasSuffix(name, "_total"),
				"%s: %s is a %s: _total is for counters, and every counter has it", component, name, m.kind)
			require.Falsef(t, units.MatchString(name), "%s: %s: use base units (seconds, bytes)", component, name)
			for _, l := range m.labels {
				require.NotContainsf(t, []string{"token", "secret", "webhook_id", "key", "gid"}, l, "%s: %s label %s", component, name, l)
			}
		}
	}
}

// promMetricName finds the metric names a PromQL expression or alert names:
// every identifier starting with shopsync_.
var promMetricName = regexp.MustCompile(`\bshopsync_[a-zA-Z0-9_]+`)

// promSelector is a metric name with a label matcher list.
var promSelector = regexp.MustCompile(`\b(shopsync_[a-zA-Z0-9_]+)\{([^}]*)\}`)

var promMatcherLabel = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)`)

var promGrouping = regexp.MustCompile(`\b(?:by|without)\s*\(([^)]*)\)`)

// checkPromQL fails unless every shopsync metric expr names is registered by
// some component (a histogram's _bucket, _sum and _count included), every
// label it matches on is one of that metric's, and every label it groups by
// is a label of one of its metrics (or le, of a histogram).
func checkPromQL(t *testing.T, where, expr string, all map[string]metricInfo) {
	t.Helper()
	resolve := func(name string) (metricInfo, bool) {
		if m, ok := all[name]; ok {
			return m, true
		}
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			if m, ok := all[strings.TrimSuffix(name, suffix)]; ok && m.kind == "histogram" && strings.HasSuffix(name, suffix) {
				if suffix == "_bucket" {
					m.labels = append(slices.Clone(m.labels), "le")
				}
				return m, true
			}
		}
		return metricInfo{}, false
	}
	checkPromQLShape(t, where, expr)
	labels := map[string]bool{}
	names := promMetricName.FindAllString(expr, -1)
	require.NotEmptyf(t, names, "%s: %q names no shopsync metric", where, expr)
	for _, name := range names {
		m, ok := resolve(name)
		require.Truef(t, ok, "%s: metric %s is registered by no component (expr %q)", where, name, expr)
		for _, l := range m.labels {
			labels[l] = true
		}
	}
	for _, sel := range promSelector.FindAllStringSubmatch(expr, -1) {
		m, _ := resolve(sel[1])
		for _, lm := range promMatcherLabel.FindAllStringSubmatch(sel[2], -1) {
			require.Containsf(t, m.labels, lm[1], "%s: %s has no label %s (expr %q)", where, sel[1], lm[1], expr)
		}
	}
	for _, g := range promGrouping.FindAllStringSubmatch(expr, -1) {
		for _, l := range strings.Split(g[1], ",") {
			l = strings.TrimSpace(l)
			require.Truef(t, labels[l], "%s: grouping by %s, which none of its metrics has (expr %q)", where, l, expr)
		}
	}
}

func allMetrics(t *testing.T) map[string]metricInfo {
	all := map[string]metricInfo{}
	for _, metrics := range componentMetrics(t) {
		for name, m := range metrics {
			all[name] = m // mirror metrics are registered by ingest and applier alike
		}
	}
	return all
}

// prometheusPanel is the part of a Grafana panel this test reads.
type prometheusPanel struct {
	Title      string            `json:"title"`
	Type       string            `json:"type"`
	Datasource grafanaDatasource `json:"datasource"`
	Targets    []struct {
		Expr       string            `json:"expr"`
		RawSQL     string            `json:"rawSql"`
		Datasource grafanaDatasource `json:"datasource"`
	} `json:"targets"`
	Panels []prometheusPanel `json:"panels"`
}

type grafanaDatasource struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

// Every metric and label a dashboard's PromQL names exists in some
// component, and the panels use the provisioned Prometheus datasource.
func TestDashboardMetricsExist(t *testing.T) {
	all := allMetrics(t)
	files, err := filepath.Glob(filepath.Join(deployDir, "grafana/dashboards/*.json"))
	require.NoError(t, err)
	require.Contains(t, files, filepath.Join(deployDir, "grafana/dashboards/pipeline.json"))
	provisioned := provisionedDatasources(t)

	exprs := 0
	for _, f := range files {
		body, err := os.ReadFile(f)
		require.NoError(t, err)
		var d struct {
			UID        string            `json:"uid"`
			Panels     []prometheusPanel `json:"panels"`
			Templating struct {
				List []struct {
					Name       string            `json:"name"`
					Datasource grafanaDatasource `json:"datasource"`
					Definition string            `json:"definition"`
				} `json:"list"`
			} `json:"templating"`
		}
		require.NoError(t, json.Unmarshal(body, &d), f)
		require.NotEmpty(t, d.UID, f)
		var walk func([]prometheusPanel)
		walk = func(ps []prometheusPanel) {
			for _, p := range ps {
				walk(p.Panels)
				if p.Type == "row" {
					continue
				}
				require.NotEmptyf(t, p.Targets, "%s: panel %q has a query", f, p.Title)
				for _, tg := range p.Targets {
					for _, ds := range []grafanaDatasource{p.Datasource, tg.Datasource} {
						require.Equalf(t, provisioned[ds.UID], ds.Type, "%s: panel %q uses a provisioned datasource (uid %q)", f, p.Title, ds.UID)
					}
					if ds := tg.Datasource; ds.Type == "prometheus" {
						require.NotEmptyf(t, tg.Expr, "%s: panel %q", f, p.Title)
						checkPromQL(t, f+": "+p.Title, tg.Expr, all)
						exprs++
					}
				}
			}
		}
		walk(d.Panels)
		for _, v := range d.Templating.List {
			require.Equalf(t, provisioned[v.Datasource.UID], v.Datasource.Type, "%s: variable %s", f, v.Name)
			if v.Datasource.Type == "prometheus" {
				checkPromQL(t, f+": variable "+v.Name, v.Definition, all)
			}
		}
	}
	require.GreaterOrEqual(t, exprs, 20, "the pipeline dashboard's queries were all read")

	// The pipeline dashboard shows lag, throughput, the API budget per store
	// and errors.
	body, err := os.ReadFile(filepath.Join(deployDir, "grafana/dashboards/pipeline.json"))
	require.NoError(t, err)
	for _, m := range []string{"shopsync_applier_lag_seconds", "shopsync_relay_lag_seconds", "shopsync_applier_deltas_total",
		"shopsync_mirror_rows_total", "shopsync_applier_budget_used_ratio", "shopsync_shopify_cost_points_total",
		"shopsync_shopify_requests_total", "shopsync_webhook_deliveries_total"} {
		require.Contains(t, string(body), m)
	}
}

// provisionedDatasources maps each provisioned datasource's uid to its type.
func provisionedDatasources(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(deployDir, "grafana/provisioning/datasources/*.yaml"))
	require.NoError(t, err)
	out := map[string]string{}
	for _, f := range files {
		body, err := os.ReadFile(f)
		require.NoError(t, err)
		var p struct {
			Datasources []struct {
				UID  string `yaml:"uid"`
				Type string `yaml:"type"`
			} `yaml:"datasources"`
		}
		require.NoError(t, yaml.Unmarshal(body, &p), f)
		for _, d := range p.Datasources {
			out[d.UID] = d.Type
		}
	}
	require.Equal(t, "prometheus", out["shopsync-prometheus"])
	require.Equal(t, "grafana-clickhouse-datasource", out["shopsync-clickhouse"])
	return out
}

// Every alert's expression names metrics and labels that exist, and the
// scrape configuration reaches every component.
func TestAlertMetricsExist(t *testing.T) {
	all := allMetrics(t)
	body, err := os.ReadFile(filepath.Join(deployDir, "prometheus/alerts.yml"))
	require.NoError(t, err)
	var rules struct {
		Groups []struct {
			Rules []struct {
				Alert string `yaml:"alert"`
				Expr  string `yaml:"expr"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	require.NoError(t, yaml.Unmarshal(body, &rules))
	n := 0
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			require.NotEmpty(t, r.Alert)
			if strings.HasPrefix(r.Expr, "up{") {
				continue // Prometheus' own series
			}
			checkPromQL(t, "alert "+r.Alert, r.Expr, all)
			n++
		}
	}
	require.GreaterOrEqual(t, n, 5)
}

// promFunctions are the PromQL functions and aggregations the dashboards and
// alerts may call; a misspelt one fails here rather than in Grafana.
var promFunctions = map[string]bool{
	"sum": true, "max": true, "min": true, "avg": true, "count": true, "rate": true, "irate": true,
	"increase": true, "histogram_quantile": true, "label_values": true, "clamp_min": true, "topk": true,
	"by": true, "without": true, "on": true, "ignoring": true, "group_left": true, "bool": true,
}

var promCall = regexp.MustCompile(`\b([a-z_]+)\s*\(`)

// checkPromQLShape checks what a regexp can of PromQL syntax: balanced
// brackets outside strings, known functions, and a range in every rate().
func checkPromQLShape(t *testing.T, where, expr string) {
	t.Helper()
	var stack []rune
	inString := false
	for _, r := range expr {
		switch {
		case r == '"':
			inString = !inString
		case inString:
		case r == '(' || r == '{' || r == '[':
			stack = append(stack, r)
		case r == ')' || r == '}' || r == ']':
			open := map[rune]rune{')': '(', '}': '{', ']': '['}[r]
			require.Truef(t, len(stack) > 0 && stack[len(stack)-1] == open, "%s: unbalanced %q in %q", where, r, expr)
			stack = stack[:len(stack)-1]
		}
	}
	require.Falsef(t, inString, "%s: unterminated string in %q", where, expr)
	require.Emptyf(t, stack, "%s: unclosed brackets in %q", where, expr)
	for _, m := range promCall.FindAllStringSubmatch(expr, -1) {
		require.Truef(t, promFunctions[m[1]], "%s: unknown function %s in %q", where, m[1], expr)
	}
	for _, fn := range []string{"rate(", "increase("} {
		for i := strings.Index(expr, fn); i >= 0; {
			rest := expr[i+len(fn):]
			end := strings.Index(rest, ")")
			require.Truef(t, end > 0 && strings.Contains(rest[:end], "["), "%s: %s without a range in %q", where, fn, expr)
			j := strings.Index(rest, fn)
			if j < 0 {
				break
			}
			i += len(fn) + j
		}
	}
}
