package mirror

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// The benchmarks share a 2-core machine with other work (a load of 5 to
// 20), so wall-clock seconds say more about the load than about the load
// path. CPU time does not depend on the load much: the database's client
// backends' (read from /proc when PostgreSQL runs on this host) and this
// process's are printed beside the wall-clock figures.

// clockTicks is the kernel's USER_HZ, the unit of /proc/<pid>/stat's times.
const clockTicks = 100

// cpuUse is CPU time spent so far by the database's client backends and by
// this process; db is false when the backends cannot be read.
type cpuUse struct {
	db, self time.Duration
	dbOK     bool
}

func cpuNow(ctx context.Context, pool *pgxpool.Pool) cpuUse {
	var u cpuUse
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		u.self = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	rows, err := pool.Query(ctx, `SELECT pid FROM pg_stat_activity
		WHERE datname = current_database() AND backend_type = 'client backend'`)
	if err != nil {
		return u
	}
	var pids []int
	for rows.Next() {
		var pid int
		if rows.Scan(&pid) == nil {
			pids = append(pids, pid)
		}
	}
	rows.Close()
	u.dbOK = len(pids) > 0
	for _, pid := range pids {
		ticks, ok := processTicks(pid)
		if !ok {
			u.dbOK = false
			break
		}
		u.db += time.Duration(ticks) * time.Second / clockTicks
	}
	return u
}

// since is the CPU time spent from u to now.
func (u cpuUse) since(ctx context.Context, pool *pgxpool.Pool) cpuUse {
	n := cpuNow(ctx, pool)
	return cpuUse{db: n.db - u.db, self: n.self - u.self, dbOK: u.dbOK && n.dbOK}
}

// processTicks reads utime + stime of a process.
func processTicks(pid int) (int64, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	// The command (field 2) may hold spaces: utime and stime are the 12th
	// and 13th fields after its closing parenthesis.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, false
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return u + st, true
}

// loadAverage is the 1-minute load average, or "?".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}
