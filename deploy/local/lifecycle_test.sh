#!/usr/bin/env bash
# Proves the service scripts' contract (run by `make test-services`, part of
# `make test`): a second `up` finds everything running, returns quickly and
# keeps the same processes; `down` leaves no process behind; `up` works again
# after `down`. It runs a throwaway set of services in a temporary data
# directory on free ports, so the developer's own services (and tests using
# them meanwhile) are never interrupted.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd "$HERE/../.." && pwd -P)"

: "${LIFECYCLE_MAX_SECOND_UP:=5}" # seconds a second `up` may take

failures=0
check() { # check DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then
		echo "  ok    $what"
	else
		echo "  FAIL  $what"
		failures=$((failures + 1))
	fi
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# port_used PORT: true when any socket has PORT as its local port, listening
# or not (an outgoing connection's port cannot be listened on either).
port_used() {
	if command -v ss >/dev/null; then
		[[ -n "$(ss -Htan "( sport = :$1 )" 2>/dev/null)" ]] || port_open "$1"
	else
		port_open "$1"
	fi
}

# Free ports, one per service, away from the defaults in ports.mk and below
# Linux's ephemeral range (32768-60999): a port there can be taken as the
# local port of an outgoing connection between the check and the start
# (CI saw ClickHouse fail to start with "Address already in use").
next=24400
for var in SHOPSYNC_PG_PORT SHOPSYNC_CH_PORT SHOPSYNC_CH_HTTP_PORT SHOPSYNC_KAFKA_PORT SHOPSYNC_KAFKA_CONTROLLER_PORT; do
	while port_used "$next"; do next=$((next + 1)); done
	export "$var=$next"
	next=$((next + 1))
done
PORTS=("$SHOPSYNC_PG_PORT" "$SHOPSYNC_CH_PORT" "$SHOPSYNC_CH_HTTP_PORT" "$SHOPSYNC_KAFKA_PORT" "$SHOPSYNC_KAFKA_CONTROLLER_PORT")

export SHOPSYNC_DATA_DIR
SHOPSYNC_DATA_DIR=$(mktemp -d /tmp/shopsync-lifecycle.XXXXXX)
chmod 755 "$SHOPSYNC_DATA_DIR" # the postgres user must reach its data below it
svc() { bash "$HERE/services.sh" "$@"; }
source "$HERE/lib.sh" # for data_processes, now pointing at the temporary directory

cleanup() {
	svc down >/dev/null 2>&1 || true
	rm -rf "$SHOPSYNC_DATA_DIR"
}
trap cleanup EXIT

# The broker's libraries are the same as the main data directory's: copy them
# rather than ask Maven again.
if [[ -f "$ROOT/.data/kafka/libs/.pom.sha256" ]]; then
	mkdir -p "$SHOPSYNC_DATA_DIR/kafka"
	cp -a "$ROOT/.data/kafka/libs" "$SHOPSYNC_DATA_DIR/kafka/libs"
fi

pids() { # the main process of each service
	head -n1 "$SHOPSYNC_DATA_DIR/pg/data/postmaster.pid" 2>/dev/null || echo none
	head -n1 "$SHOPSYNC_DATA_DIR/clickhouse/clickhouse.pid" 2>/dev/null || echo none
	head -n1 "$SHOPSYNC_DATA_DIR/kafka/kafka.pid" 2>/dev/null || echo none
}
all_ports_open() { for p in "${PORTS[@]}"; do port_open "$p" || return 1; done; }
no_port_open() { for p in "${PORTS[@]}"; do ! port_open "$p" || return 1; done; }
no_pid_files() {
	[[ ! -e "$SHOPSYNC_DATA_DIR/pg/data/postmaster.pid" && ! -e "$SHOPSYNC_DATA_DIR/clickhouse/clickhouse.pid" &&
		! -e "$SHOPSYNC_DATA_DIR/kafka/kafka.pid" ]]
}
no_data_process() {
	local left
	left=$(data_processes)
	[[ -z "$left" ]] && return 0
	# shellcheck disable=SC2086
	ps -o pid=,args= -p ${left//$'\n'/,} | sed 's/^/        left: /'
	return 1
}

echo "lifecycle: services in $SHOPSYNC_DATA_DIR on ports ${PORTS[*]}"
start=$SECONDS
svc up >"$SHOPSYNC_DATA_DIR/up1.log" 2>&1 || { cat "$SHOPSYNC_DATA_DIR/up1.log"; echo "lifecycle: FAIL: first up failed"; exit 1; }
echo "  first up took $((SECONDS - start))s"
check "first up: every port answers" all_ports_open
check "first up: status says all three run" svc status
before=$(pids)

t0=$(date +%s%N)
out=$(svc up 2>&1)
ms=$((($(date +%s%N) - t0) / 1000000))
echo "  second up took ${ms}ms"
check "second up: under ${LIFECYCLE_MAX_SECOND_UP}s" test "$ms" -lt $((LIFECYCLE_MAX_SECOND_UP * 1000))
check "second up: each service already running" test "$(grep -c 'already running' <<<"$out")" -eq 3
check "second up: same processes" test "$before" == "$(pids)"

out=$(svc down 2>&1)
check "down: needed no clean-up of stray processes" test -z "$(grep -i stray <<<"$out")"
check "down: no pid file left" no_pid_files
check "down: no port answers" no_port_open
check "down: no process runs from the data directory" no_data_process
check "down: status says down" bash -c '! bash "$0/services.sh" status >/dev/null' "$HERE"
check "second down: nothing to do, succeeds" svc down

svc up >"$SHOPSYNC_DATA_DIR/up2.log" 2>&1 || { cat "$SHOPSYNC_DATA_DIR/up2.log"; echo "lifecycle: FAIL: up after down failed"; exit 1; }
check "up after down: every port answers" all_ports_open
check "up after down: new processes" test "$before" != "$(pids)"

svc down >/dev/null
check "final down: no process runs from the data directory" no_data_process

if ((failures)); then
	echo "lifecycle: FAIL: $failures check(s) failed"
	exit 1
fi
echo "lifecycle: all checks passed"
