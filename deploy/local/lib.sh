# Shared by the local service scripts (sourced, not run): where the repository
# and its ignored .data/ are, the ports, and the few helpers every service needs.
# shellcheck shell=bash

# The repository root is found from this file, so the scripts work from any
# directory and in any clone; each clone has its own .data/. SHOPSYNC_DATA_DIR
# moves it (lifecycle_test.sh runs a second, throwaway set of services that way).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
LOCAL_DIR="$ROOT/deploy/local"
DATA="${SHOPSYNC_DATA_DIR:-$ROOT/.data}"

# ports.mk is the one place the default ports are written; a variable already
# set in the environment wins, as it does in make.
while read -r _ name _ value; do
	[[ -n "$name" && -z "${!name:-}" ]] && export "$name=$value"
done < <(grep -E '^export [A-Z_]+ \?= ' "$LOCAL_DIR/ports.mk")
unset name value

# Bounded readiness waits, in seconds (overridable for slow machines).
: "${SHOPSYNC_SERVICE_TIMEOUT:=90}"

say() { printf '[services] %s\n' "$*"; }

# fail NAME LOG MESSAGE: name the service, show the end of its log, and stop.
fail() {
	local name=$1 log=$2
	shift 2
	printf '[services] ERROR: %s: %s\n' "$name" "$*" >&2
	if [[ -f "$log" ]]; then
		printf '[services] last lines of %s:\n' "$log" >&2
		tail -n 40 "$log" | sed 's/^/    /' >&2
	fi
	exit 1
}

# port_open PORT: true when something accepts TCP connections on 127.0.0.1:PORT.
port_open() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# pid_alive FILE: true when FILE names a running process started from this
# clone's .data/ (a reused pid of an unrelated process does not count).
pid_alive() {
	local pid
	[[ -s "$1" ]] || return 1
	pid=$(head -n1 "$1")
	[[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
		{ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -qF "$DATA/"
}

# wait_until NAME LOG COMMAND...: poll COMMAND every 0.2 s until it succeeds,
# failing with the log's tail after SHOPSYNC_SERVICE_TIMEOUT seconds.
wait_until() {
	local name=$1 log=$2
	shift 2
	local deadline=$((SECONDS + SHOPSYNC_SERVICE_TIMEOUT))
	until "$@"; do
		if ((SECONDS >= deadline)); then
			fail "$name" "$log" "not ready after ${SHOPSYNC_SERVICE_TIMEOUT}s (waited for: $*)"
		fi
		sleep 0.2
	done
}

# stop_pid NAME FILE: SIGTERM the process in FILE, SIGKILL it after 30 s.
stop_pid() {
	local name=$1 file=$2 pid i
	if pid_alive "$file"; then
		pid=$(head -n1 "$file")
		kill "$pid" 2>/dev/null || true
		for ((i = 0; i < 150; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.2
		done
		if kill -0 "$pid" 2>/dev/null; then
			say "$name (pid $pid) ignored SIGTERM for 30s; killing it"
			kill -9 "$pid" 2>/dev/null || true
		fi
	fi
	rm -f "$file"
}

# data_processes: pids of every process started from this clone's .data/ (its
# command line or working directory is under it), whoever started it. down uses
# it to prove nothing is left; other clones' services are not matched.
data_processes() {
	local dir pid cwd
	for dir in /proc/[0-9]*; do
		pid=${dir#/proc/}
		[[ "$pid" == "$$" || "$pid" == "$BASHPID" ]] && continue
		cwd=$(readlink "$dir/cwd" 2>/dev/null) || cwd=
		if [[ "$cwd/" == "$DATA/"* ]] || { tr '\0' ' ' <"$dir/cmdline"; } 2>/dev/null | grep -qF "$DATA/"; then
			echo "$pid"
		fi
	done
}
