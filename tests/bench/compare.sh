#!/usr/bin/env bash
# Side-by-side benchmark: Corral against Apache ZooKeeper 3.8 (Debian's
# package) on this machine, in one run, printed as ratios Corral / Apache.
# Not part of CI (it takes minutes); `make bench` runs it.
#
#   usage: tests/bench/compare.sh [flags of tests/bench/compare]
#   e.g.   tests/bench/compare.sh -duration 5s -populate 1000000 -watchers 10000
#          tests/bench/compare.sh -phases requests,fsync -duration 10s
#
# Both servers run standalone with the same zoo.cfg (tickTime=2000,
# forceSync=yes), and in the ensemble phase as 3-node ensembles on loopback
# (plus leader kill -9 failovers), and keep their data side by side under -dir (default
# tests/.cache/bench, on the repository's disk: never tmpfs, where fsync
# costs nothing). The runner (tests/bench/compare/main.go) starts and stops
# them; they die with it. This script adds the machine description, an
# overall time limit (BENCH_TIMEOUT, default 3h) and a trap that kills
# everything it started. The table and every measurement as JSON lines are
# kept in the work directory (report.md, results.jsonl).
set -euo pipefail
cd "$(dirname "$0")/../.."

dir=tests/.cache/bench
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
	case "${args[$i]}" in
	-dir | --dir) dir=${args[$((i + 1))]} ;;
	-dir=* | --dir=*) dir=${args[$i]#*=} ;;
	esac
done
mkdir -p "$dir"

tests/install-deps.sh
CGO_ENABLED=0 go build -o bin/corral ./cmd/corral
go build -o bin/bench-compare ./tests/bench/compare

runner_pid=
cleanup() {
	if [ -n "$runner_pid" ] && kill -0 "$runner_pid" 2>/dev/null; then
		# timeout passes TERM on to the runner, which stops its servers.
		kill -TERM "$runner_pid" 2>/dev/null || true
		local i
		for i in $(seq 60); do
			kill -0 "$runner_pid" 2>/dev/null || break
			sleep 1
		done
		# The runner dies with timeout and the servers with the runner
		# (parent-death signals), so this leaves nothing behind.
		kill -KILL "$runner_pid" 2>/dev/null || true
	fi
	# Anything else started from this shell.
	local j
	for j in $(jobs -p); do kill -KILL "$j" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Ten thousand watchers need ten thousand sockets, on both ends.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

fs_type=$(stat -f -c %T "$dir")
if [ "$fs_type" = tmpfs ] || [ "$fs_type" = ramfs ]; then
	echo "compare.sh: $dir is on $fs_type: fsync would cost nothing; use -dir on a real disk" >&2
	exit 2
fi

machine() {
	echo "date:        $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "commit:      $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
	echo "cpu:         $(nproc) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
	echo "memory:      $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
	echo "disk:        $(df -h --output=source,fstype,size "$dir" | tail -1 | tr -s ' ') ($dir)"
	echo "kernel:      $(uname -r)"
	echo "go:          $(go version | cut -d' ' -f3)"
	echo "java:        $(java -version 2>&1 | head -1)"
	echo "zookeeper:   $(dpkg-query -W -f='${Version}' zookeeper 2>/dev/null || echo unknown)"
	echo "ulimit -n:   $(ulimit -n)"
}

report="$dir/report.md"
{
	echo '```'
	machine
	echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"
	echo "command:     tests/bench/compare.sh ${args[*]}"
	echo '```'
} | tee "$report"

timeout --signal=TERM --kill-after=60s "${BENCH_TIMEOUT:-3h}" \
	bin/bench-compare -corral bin/corral -json "$dir/results.jsonl" "${args[@]}" \
	> >(tee -a "$report") 2> >(tee "$dir/progress.log" >&2) &
runner_pid=$!
status=0
wait "$runner_pid" || status=$?
runner_pid=
sleep 0.2 # let tee flush the table

{
	echo
	echo '```'
	echo "load after:  $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"
	echo '```'
} | tee -a "$report"
echo "compare.sh: report in $report, measurements in $dir/results.jsonl" >&2
exit "$status"
