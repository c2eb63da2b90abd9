package schema_test

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/schema"
)

func TestMigrationVersionsHaveNoGaps(t *testing.T) {
	for _, db := range []schema.Database{schema.Postgres, schema.ClickHouse} {
		files, err := schema.MigrationFiles(db)
		require.NoError(t, err)
		require.NotEmpty(t, files, db)
		for i, f := range files {
			require.Equalf(t, int64(i+1), f.Version, "%s: %s should be version %d: versions must run 1, 2, 3... without gaps or repeats", db, f.Name, i+1)
		}
		require.Equal(t, files[len(files)-1].Version, schema.LatestVersion(db))
	}
}

func TestMigrationsHaveUpAndDown(t *testing.T) {
	for _, db := range []schema.Database{schema.Postgres, schema.ClickHouse} {
		files, err := schema.MigrationFiles(db)
		require.NoError(t, err)
		for _, f := range files {
			body := readMigration(t, db, f.Name)
			up := strings.Index(body, "-- +goose Up")
			down := strings.Index(body, "-- +goose Down")
			require.Truef(t, up >= 0 && down > up, "%s/%s: needs -- +goose Up, then -- +goose Down", db, f.Name)
		}
	}
}

// ClickHouse DDL must run on 18.16 (Debian's) as well as current servers, and
// ClickHouse has no transactions.
func TestClickHouseMigrationsArePortable(t *testing.T) {
	forbidden := regexp.MustCompile(`(?i)\b(DateTime64|Map\s*\(|TTL|LowCardinality|JSON|Object\s*\(|Nullable)\b`)
	files, err := schema.MigrationFiles(schema.ClickHouse)
	require.NoError(t, err)
	for _, f := range files {
		body := readMigration(t, schema.ClickHouse, f.Name)
		require.Containsf(t, body, "-- +goose NO TRANSACTION", "%s: ClickHouse has no transactions", f.Name)
		for _, line := range strings.Split(body, "\n") {
			code, _, _ := strings.Cut(line, "--")
			if i := strings.Index(code, "COMMENT '"); i >= 0 {
				code = code[:i] // column comments are prose, not types
			}
			require.Falsef(t, forbidden.MatchString(code), "%s: %q uses a feature ClickHouse 18.16 lacks", f.Name, strings.TrimSpace(line))
		}
	}
}

func readMigration(t *testing.T, db schema.Database, name string) string {
	t.Helper()
	b, err := fs.ReadFile(schema.Migrations(db), name)
	require.NoError(t, err)
	return string(b)
}
