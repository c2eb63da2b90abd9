#!/usr/bin/env bash
# The local services every test and the demo need: PostgreSQL, ClickHouse and
# Kafka on 127.0.0.1, data and logs under the repository's ignored .data/.
#   services.sh up       start what is not running and wait until it is ready (idempotent)
#   services.sh down     stop them all and make sure no process of .data/ is left
#   services.sh status   say what runs; exit 1 unless all three do
# Ports come from deploy/local/ports.mk, each overridable from the environment.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SERVICES=(postgres clickhouse kafka)

up() {
	for s in "${SERVICES[@]}"; do
		bash "$LOCAL_DIR/$s.sh" up 9>&- # the servers must not inherit the lock
	done
}

down() {
	local s i left
	for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do
		bash "$LOCAL_DIR/${SERVICES[i]}.sh" down 9>&-
	done
	# The pid files say what we started; the scan finds anything else running
	# from .data/ (a crashed script's orphan, a server started by hand).
	left=$(data_processes)
	[[ -z "$left" ]] && return 0
	say "WARNING: stray processes from $DATA after stopping the services; terminating them:"
	# shellcheck disable=SC2086
	ps -o pid=,args= -p ${left//$'\n'/,} | sed 's/^/    /'
	kill $left 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		left=$(data_processes)
		[[ -z "$left" ]] && return 0
		sleep 0.2
	done
	kill -9 $left 2>/dev/null || true
	sleep 0.5
	left=$(data_processes)
	if [[ -n "$left" ]]; then
		say "ERROR: processes from $DATA survived SIGKILL: $left"
		return 1
	fi
}

status() {
	local s rc=0
	for s in "${SERVICES[@]}"; do
		bash "$LOCAL_DIR/$s.sh" status || rc=1
	done
	return "$rc"
}

case "${1:-}" in
up | down)
	# One `up` or `down` at a time per data directory: two `make test` runs
	# starting together must not both try to start the same server.
	mkdir -p "$DATA"
	exec 9>"$DATA/.services.lock"
	flock 9
	"$1"
	;;
status) "$1" ;;
*) echo "usage: services.sh up|down|status" >&2 && exit 2 ;;
esac
