#!/usr/bin/env bash
# Installs, from Debian's packages, whatever the local services lack:
#   install.sh [postgres] [clickhouse] [kafka]   (no argument: all three)
# Needs root (CI and these machines run as root). Does nothing when all is there.
set -euo pipefail

PG_BIN=/usr/lib/postgresql/15/bin

need=()
for what in "${@:-postgres clickhouse kafka}"; do
	for w in $what; do
		case "$w" in
		postgres) [[ -x "$PG_BIN/postgres" && -x "$PG_BIN/initdb" ]] || need+=(postgresql-15) ;;
		clickhouse)
			command -v clickhouse-server >/dev/null || need+=(clickhouse-server)
			command -v clickhouse-client >/dev/null || need+=(clickhouse-client)
			;;
		kafka)
			command -v java >/dev/null || need+=(openjdk-17-jre-headless)
			command -v mvn >/dev/null || need+=(maven)
			;;
		*) echo "install.sh: unknown service '$w'" >&2 && exit 2 ;;
		esac
	done
done
((${#need[@]})) || exit 0

if [[ $(id -u) -ne 0 ]]; then
	echo "[install] missing packages: ${need[*]}; run as root or install them: apt-get install ${need[*]}" >&2
	exit 1
fi

echo "[install] apt-get install ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt=(apt-get -q -y -o DPkg::Lock::Timeout=600)

# Packages such as postgresql-15 start a system service on install (a cluster on
# 5432). Ours run from .data/ on other ports, so forbid service starts for the
# duration with the standard policy-rc.d hook, unless the machine has its own.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [[ ! -e "$policy" ]]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && own_policy=1
fi
trap 'if ((own_policy)); then rm -f "$policy"; fi' EXIT

"${apt[@]}" update >/dev/null
"${apt[@]}" install --no-install-recommends "${need[@]}" >/dev/null
echo "[install] done"
