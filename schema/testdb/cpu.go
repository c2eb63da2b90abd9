package testdb

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The benchmarks share a 2-core machine with other work, so their
// wall-clock seconds say more about the load than about the code. CPU time
// depends on the load far less: benchmarks print it beside their seconds,
// read with the functions below.

// clockTicks is the kernel's USER_HZ, the unit of /proc/<pid>/stat's times
// (100 on every Linux this runs on).
const clockTicks = 100

// BackendCPU is the CPU time (user and system) used so far by the client
// backends connected to pool's database, read from /proc; false when it
// cannot be read (PostgreSQL on another host, or not Linux). Backends that
// ended meanwhile are not counted, so compare readings taken while the
// pool's connections stay open.
func BackendCPU(ctx context.Context, pool *pgxpool.Pool) (time.Duration, bool) {
	rows, err := pool.Query(ctx, `SELECT pid FROM pg_stat_activity
		WHERE datname = current_database() AND backend_type = 'client backend'`)
	if err != nil {
		return 0, false
	}
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil || len(pids) == 0 {
		return 0, false
	}
	var total time.Duration
	for _, pid := range pids {
		ticks, ok := processTicks(int(pid))
		if !ok {
			return 0, false
		}
		total += time.Duration(ticks) * time.Second / clockTicks
	}
	return total, true
}

// CPUOf runs f and returns the CPU time pool's backends spent meanwhile, if
// readable.
func CPUOf(ctx context.Context, pool *pgxpool.Pool, f func()) (time.Duration, bool) {
	before, ok1 := BackendCPU(ctx, pool)
	f()
	after, ok2 := BackendCPU(ctx, pool)
	return after - before, ok1 && ok2
}

// ProcessCPU is the CPU time (user and system) this process used so far.
func ProcessCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// LoadAverage is the machine's 1-minute load average, or "?".
func LoadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	if f := strings.Fields(string(b)); len(f) > 0 {
		return f[0]
	}
	return "?"
}

// processTicks reads a process's utime + stime, in clock ticks.
func processTicks(pid int) (int64, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	// The command (field 2) may hold spaces: utime and stime are the 12th
	// and 13th fields after its closing parenthesis.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, false
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	s, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return u + s, true
}
