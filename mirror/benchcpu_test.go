package mirror

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shopsync/shopsync/schema/testdb"
)

// cpuUse is CPU time spent so far by the database's client backends and by
// this process (testdb.BackendCPU, testdb.ProcessCPU): printed beside the
// benchmarks' wall-clock figures, which on the shared machine say more
// about its load than about the load path. dbOK is false when the backends
// cannot be read.
type cpuUse struct {
	db, self time.Duration
	dbOK     bool
}

func cpuNow(ctx context.Context, pool *pgxpool.Pool) cpuUse {
	db, ok := testdb.BackendCPU(ctx, pool)
	return cpuUse{db: db, self: testdb.ProcessCPU(), dbOK: ok}
}

// since is the CPU time spent from u to now.
func (u cpuUse) since(ctx context.Context, pool *pgxpool.Pool) cpuUse {
	n := cpuNow(ctx, pool)
	return cpuUse{db: n.db - u.db, self: n.self - u.self, dbOK: u.dbOK && n.dbOK}
}
