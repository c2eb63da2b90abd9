package schema

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
)

// Database names one of the two databases shopsync migrates.
type Database string

// The databases, named as in messages and in the migrations/ directory.
const (
	Postgres   Database = "postgres"
	ClickHouse Database = "clickhouse"
)

//go:embed migrations/postgres/*.sql migrations/clickhouse/*.sql
var migrationFiles embed.FS

// Migrations returns the embedded migration files of db, named NNNNN_what.sql.
func Migrations(db Database) fs.FS {
	sub, err := fs.Sub(migrationFiles, path.Join("migrations", string(db)))
	if err != nil {
		// fs.Sub fails only on an invalid path, which a Database never is.
		panic(err)
	}
	return sub
}

// MigrationFile is one embedded migration.
type MigrationFile struct {
	Version int64
	Name    string // file name, e.g. 00002_catalog.sql
}

var migrationName = regexp.MustCompile(`^(\d{5})_[a-z0-9_]+\.sql$`)

// MigrationFiles lists the embedded migrations of db in version order. It fails
// on a file whose name does not follow NNNNN_snake_case.sql, so that a misnamed
// file cannot be skipped silently.
func MigrationFiles(db Database) ([]MigrationFile, error) {
	entries, err := fs.ReadDir(Migrations(db), ".")
	if err != nil {
		return nil, fmt.Errorf("%s migrations: %w", db, err)
	}
	var out []MigrationFile
	for _, e := range entries {
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("%s migrations: %q is not named NNNNN_snake_case.sql", db, e.Name())
		}
		v, _ := strconv.ParseInt(m[1], 10, 64)
		out = append(out, MigrationFile{Version: v, Name: e.Name()})
	}
	slices.SortFunc(out, func(a, b MigrationFile) int { return int(a.Version - b.Version) })
	return out, nil
}

// LatestVersion is the highest embedded migration version of db.
func LatestVersion(db Database) int64 {
	files, err := MigrationFiles(db)
	if err != nil || len(files) == 0 {
		return 0
	}
	return files[len(files)-1].Version
}
