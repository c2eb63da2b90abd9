package planner_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// The benchmark shares its machine (a 2-core box with a load of 5 to 20
// while other work runs), so its wall-clock times say more about the load
// than about the SQL. The CPU time the database's backend processes spend
// on a run does not depend on the load much: read from /proc when
// PostgreSQL runs on this host, it is printed beside the wall-clock figures.

// clockTicks is the kernel's USER_HZ, the unit of /proc/<pid>/stat's times:
// 100 on every Linux this runs on.
const clockTicks = 100

// backendCPU is the CPU time (user and system) used so far by the client
// backends of the pool's database (not autovacuum's, which come and go), and
// false when it cannot be read (PostgreSQL on another host, or another OS).
func backendCPU(ctx context.Context, pool *pgxpool.Pool) (time.Duration, bool) {
	rows, err := pool.Query(ctx, `SELECT pid FROM pg_stat_activity
		WHERE datname = current_database() AND backend_type = 'client backend'`)
	if err != nil {
		return 0, false
	}
	var pids []int
	for rows.Next() {
		var pid int
		if rows.Scan(&pid) == nil {
			pids = append(pids, pid)
		}
	}
	rows.Close()
	var total time.Duration
	for _, pid := range pids {
		ticks, ok := processTicks(pid)
		if !ok {
			return 0, false
		}
		total += time.Duration(ticks) * time.Second / clockTicks
	}
	return total, len(pids) > 0
}

// processTicks reads utime + stime of a process.
func processTicks(pid int) (int64, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	// The command name (field 2) may hold spaces: the fields after it start
	// after its closing parenthesis; utime and stime are fields 14 and 15.
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

// cpuOf runs f and returns the backends' CPU time it took, if readable.
func cpuOf(ctx context.Context, pool *pgxpool.Pool, f func()) (time.Duration, bool) {
	before, ok1 := backendCPU(ctx, pool)
	f()
	after, ok2 := backendCPU(ctx, pool)
	return after - before, ok1 && ok2
}

// loadAverage is the 1-minute load average, or "?".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}
