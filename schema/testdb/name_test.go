package testdb

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDatabaseName(t *testing.T) {
	valid := regexp.MustCompile(`^t_([a-z0-9_]+_)?[0-9a-f]{8}$`)
	for in, stem := range map[string]string{
		"TestPlanner/SKU match (two-way)": "t_testplanner_sku_match_two_way_",
		"Test__A":                         "t_test_a_",
		"":                                "t_",
	} {
		got := databaseName(in)
		require.True(t, strings.HasPrefix(got, stem), "%q -> %q", in, got)
		require.Regexp(t, valid, got)
		require.NotEqual(t, got, databaseName(in), "names are unique per call")
	}
	long := databaseName(strings.Repeat("TestVeryLongName", 10))
	require.LessOrEqual(t, len(long), 63, "PostgreSQL truncates identifiers at 63 bytes")
	require.Regexp(t, valid, long)
}

func TestWithDatabase(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u:p@127.0.0.1:25432/shopsync?sslmode=disable": "postgres://u:p@127.0.0.1:25432/t_x?sslmode=disable",
		"postgres://u@127.0.0.1:25432?sslmode=disable":            "postgres://u@127.0.0.1:25432/t_x?sslmode=disable",
		"clickhouse://127.0.0.1:29000/shopsync":                   "clickhouse://127.0.0.1:29000/t_x",
		"host=127.0.0.1 dbname=shopsync user=u":                   "host=127.0.0.1 dbname=t_x user=u",
		"host=127.0.0.1 user=u":                                   "host=127.0.0.1 user=u dbname=t_x",
	} {
		require.Equal(t, want, withDatabase(in, "t_x"), in)
	}
}
