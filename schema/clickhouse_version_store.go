package schema

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/pressly/goose/v3/database"
)

// clickHouseVersionTable records the applied ClickHouse migrations. Same name as
// goose uses elsewhere, but its own layout (below).
const clickHouseVersionTable = "goose_db_version"

// clickHouseVersionStore is goose's version table for ClickHouse, written with
// clickhouse-go's native batch API.
//
// goose's own ClickHouse store inserts with `INSERT ... VALUES` through
// database/sql. Against ClickHouse 18.16 that statement never completes over
// clickhouse-go v2.26.0 (the read times out and the connection is left broken;
// tried here), while the native batch insert works on 18.16 and on current
// servers. So this store inserts through a batch and reads with plain queries.
//
// The table is append-only, which suits ClickHouse: applying a version appends
// (version, 1), rolling it back appends (version, 0), and the row with the
// highest seq decides. No ALTER ... DELETE mutations, which run asynchronously.
type clickHouseVersionStore struct {
	conn driver.Conn
}

var _ database.Store = (*clickHouseVersionStore)(nil)

func newClickHouseVersionStore(conn driver.Conn) *clickHouseVersionStore {
	return &clickHouseVersionStore{conn: conn}
}

func (s *clickHouseVersionStore) Tablename() string { return clickHouseVersionTable }

// TableExists lets goose skip its probe query on a missing table.
func (s *clickHouseVersionStore) TableExists(ctx context.Context, _ database.DBTxConn, name string) (bool, error) {
	var n uint64
	err := s.conn.QueryRow(ctx,
		"SELECT count() FROM system.tables WHERE database = currentDatabase() AND name = ?", name).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("look up table %s: %w", name, err)
	}
	return n > 0, nil
}

func (s *clickHouseVersionStore) CreateVersionTable(ctx context.Context, _ database.DBTxConn) error {
	err := s.conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+clickHouseVersionTable+` (
		version_id Int64,
		is_applied UInt8,
		tstamp     DateTime,
		seq        UInt64
	) ENGINE = MergeTree() ORDER BY (version_id, seq)`)
	if err != nil {
		return fmt.Errorf("create version table: %w", err)
	}
	return nil
}

func (s *clickHouseVersionStore) Insert(ctx context.Context, _ database.DBTxConn, req database.InsertRequest) error {
	return s.append(ctx, req.Version, true)
}

func (s *clickHouseVersionStore) Delete(ctx context.Context, _ database.DBTxConn, version int64) error {
	return s.append(ctx, version, false)
}

func (s *clickHouseVersionStore) append(ctx context.Context, version int64, applied bool) error {
	batch, err := s.conn.PrepareBatch(ctx, "INSERT INTO "+clickHouseVersionTable+" (version_id, is_applied, tstamp, seq)")
	if err != nil {
		return fmt.Errorf("record version %d: %w", version, err)
	}
	flag := uint8(0)
	if applied {
		flag = 1
	}
	now := time.Now()
	// seq orders the rows of one version; nanoseconds keep it increasing between
	// runs without a counter to coordinate.
	if err := batch.Append(version, flag, now, uint64(now.UnixNano())); err != nil {
		_ = batch.Abort()
		return fmt.Errorf("record version %d: %w", version, err)
	}
	if err := batch.Send(); err != nil {
		return fmt.Errorf("record version %d: %w", version, err)
	}
	return nil
}

func (s *clickHouseVersionStore) GetMigration(ctx context.Context, _ database.DBTxConn, version int64) (*database.GetMigrationResult, error) {
	var (
		ts      time.Time
		applied uint8
	)
	err := s.conn.QueryRow(ctx,
		"SELECT tstamp, is_applied FROM "+clickHouseVersionTable+" WHERE version_id = ? ORDER BY seq DESC LIMIT 1", version).
		Scan(&ts, &applied)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("version %d: %w", version, database.ErrVersionNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read version %d: %w", version, err)
	}
	return &database.GetMigrationResult{Timestamp: ts, IsApplied: applied == 1}, nil
}

func (s *clickHouseVersionStore) GetLatestVersion(ctx context.Context, db database.DBTxConn) (int64, error) {
	list, err := s.ListMigrations(ctx, db)
	if err != nil {
		return 0, err
	}
	if len(list) == 0 {
		return 0, database.ErrVersionNotFound
	}
	return list[0].Version, nil
}

// ListMigrations returns the applied versions, highest first, as goose expects.
func (s *clickHouseVersionStore) ListMigrations(ctx context.Context, _ database.DBTxConn) ([]*database.ListMigrationsResult, error) {
	rows, err := s.conn.Query(ctx, `SELECT version_id FROM `+clickHouseVersionTable+`
		GROUP BY version_id HAVING argMax(is_applied, seq) = 1 ORDER BY version_id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list versions: %w", err)
	}
	defer rows.Close()
	var out []*database.ListMigrationsResult
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("list versions: %w", err)
		}
		out = append(out, &database.ListMigrationsResult{Version: v, IsApplied: true})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list versions: %w", err)
	}
	return out, nil
}
