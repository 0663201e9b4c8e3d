# Shared helpers of the benchmarks (sourced by bench/*.sh).
#
#   OMS_SRCDIR, OMS_BUILDDIR    source tree and build tree (set by `make bench`;
#                               by hand: the build tree defaults to the cwd
#                               when it holds ./oms, else the source tree)
#   bench_demo_up               the bench's private demo cluster, created and
#                               loaded once ($OMS_BENCH_DEMO_DIR, scale
#                               $OMS_BENCH_SCALE, default full); sets
#                               BENCH_CI_CSR, BENCH_CI_SU (conninfo strings)
#   bench_tmux_start LOG ARGS   oms in a private tmux server (exec'd, so the
#                               pane's pid is oms), OMS_BENCH_LOG=LOG
#   bench_wait_lines FILE N [S] waits until FILE has N lines (10 s at most),
#                               after sleeping S seconds without polling
#   bench_stats FILE            "n p50 p95" of the numbers in FILE (ms)
#
# The figures are wall-clock milliseconds of one machine: compare runs on the
# same machine only.

: "${OMS_SRCDIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
if [ -z "${OMS_BUILDDIR:-}" ]; then
	if [ -x ./oms ]; then OMS_BUILDDIR=$(pwd); else OMS_BUILDDIR=$OMS_SRCDIR; fi
fi
: "${OMS_PG_BINDIR:=/usr/lib/postgresql/15/bin}"
export OMS_SRCDIR OMS_BUILDDIR OMS_PG_BINDIR
OMS=$OMS_BUILDDIR/oms

if [ "$(id -u)" = 0 ]; then
	: "${OMS_BENCH_DEMO_DIR:=/var/lib/oms/bench-demo}"
else
	: "${OMS_BENCH_DEMO_DIR:=${XDG_STATE_HOME:-$HOME/.local/state}/oms/bench-demo}"
fi
: "${OMS_BENCH_SCALE:=full}"
BENCH_TMUX="oms-bench-$$"
BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/oms-bench.XXXXXX")
# tmux refuses to start in a directory it cannot enter, and so would the
# server user: work from the temporary directory
chmod 755 "$BENCH_TMP"

bench_die() {
	echo "bench: $*" >&2
	exit 1
}

bench_cleanup() {
	tmux -L "$BENCH_TMUX" kill-server >/dev/null 2>&1 || true
	rm -rf "$BENCH_TMP"
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

[ -x "$OMS" ] || bench_die "no $OMS: build first (or set OMS_BUILDDIR)"

bench_now_ms() {
	date +%s%3N
}

# The demo cluster of `oms demo`, in a directory of its own so that the
# user's demo is left alone. `oms demo` creates, starts and loads it, then
# wants a terminal for the client: without one it exits 2, which is fine here.
# --no-worker: no oms-worker and fakes run beside the measurements.
bench_demo_up() {
	local seeded="$OMS_BENCH_DEMO_DIR/seeded" t0 reset=
	if [ -f "$seeded" ] && [ "$(cat "$seeded")" != "$OMS_BENCH_SCALE" ]; then
		reset=--reset
	fi
	if [ ! -f "$seeded" ] || [ -n "$reset" ]; then
		echo "# loading the demo data at scale $OMS_BENCH_SCALE into $OMS_BENCH_DEMO_DIR (minutes at full scale)..."
	fi
	t0=$(bench_now_ms)
	OMS_DEMO_DIR=$OMS_BENCH_DEMO_DIR "$OMS" demo --no-worker $reset --scale "$OMS_BENCH_SCALE" \
		</dev/null >"$BENCH_TMP/demo.log" 2>&1
	[ -f "$seeded" ] || { cat "$BENCH_TMP/demo.log" >&2; bench_die "oms demo failed"; }
	BENCH_DEMO_SECONDS=$(( ($(bench_now_ms) - t0) / 1000 ))
	BENCH_CI_CSR=$(OMS_DEMO_DIR=$OMS_BENCH_DEMO_DIR "$OMS" demo --no-worker --print-conninfo --as csr)
	BENCH_CI_SU=$(OMS_DEMO_DIR=$OMS_BENCH_DEMO_DIR "$OMS" demo --no-worker --print-conninfo --as postgres)
	BENCH_ORDERS=$(psql -X -A -t -q -d "$BENCH_CI_SU" -c "SELECT count(*) FROM oms.orders")
	unset PGHOST PGPORT PGDATABASE PGUSER PGSERVICE PGOPTIONS
}

# psql as the superuser (setup) and as the CSR (measurements)
bench_su() {
	psql -X -A -t -q -v ON_ERROR_STOP=1 -d "$BENCH_CI_SU" "$@"
}

bench_tmux() {
	tmux -L "$BENCH_TMUX" "$@"
}

# bench_tmux_start LOG [oms args]: oms as the demo CSR in an 80x24 tmux pane,
# the terminal of tests/tui/lib.sh. The pane runs oms itself (exec), so
# #{pane_pid} is its pid.
bench_tmux_start() {
	local log=$1 cmd
	shift
	bench_tmux kill-server >/dev/null 2>&1 || true
	: >"$BENCH_TMP/oms.conf"
	cmd="cd $BENCH_TMP && exec env TERM=screen LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC NO_COLOR=1"
	cmd="$cmd HOME=$BENCH_TMP OMS_CONFIG=$BENCH_TMP/oms.conf OMS_BENCH_LOG=$log"
	cmd="$cmd $OMS -d '$BENCH_CI_CSR' $*"
	bench_tmux -f /dev/null new-session -d -x 80 -y 24 -s oms "$cmd"
	bench_tmux set-option -g status off >/dev/null
	bench_tmux set-option -g escape-time 0 >/dev/null
	bench_tmux set-option -g remain-on-exit on >/dev/null
}

bench_tmux_stop() {
	bench_tmux kill-server >/dev/null 2>&1 || true
}

bench_pid() {
	bench_tmux display-message -p -t oms '#{pane_pid}'
}

bench_screen() {
	bench_tmux capture-pane -p -t oms
}

bench_keys() {
	bench_tmux send-keys -t oms "$@"
}

bench_type() {
	bench_tmux send-keys -t oms -l -- "$1"
}

# bench_wait_lines FILE N [SETTLE]: true once FILE has at least N lines.
# SETTLE seconds are slept first, in one process: polling forks a process
# every 10 ms, and on a 2-core machine one of those landing inside a 1 ms
# lookup is what the bench would then measure (psql runs undisturbed).
bench_wait_lines() {
	local i=0
	[ -n "${3:-}" ] && sleep "$3"
	while [ "$i" -lt 1000 ]; do
		[ "$(wc -l <"$1" 2>/dev/null || echo 0)" -ge "$2" ] && return 0
		sleep 0.01
		i=$((i + 1))
	done
	return 1
}

# bench_wait_screen TEXT: true once TEXT is on the screen (10 s at most)
bench_wait_screen() {
	local i=0
	while [ "$i" -lt 200 ]; do
		case $(bench_screen) in
		*"$1"*) return 0 ;;
		esac
		sleep 0.05
		i=$((i + 1))
	done
	echo "# timed out waiting for: $1" >&2
	bench_screen | sed 's/^/#   | /' >&2
	return 1
}

# bench_stats FILE: "n p50 p95" (nearest rank) of the numbers in FILE
bench_stats() {
	sort -g "$1" | awk '
		{ v[NR] = $1 }
		END {
			if (NR == 0) { print "0 - -"; exit }
			i50 = int(NR * 0.50); if (i50 < NR * 0.50) i50++
			i95 = int(NR * 0.95); if (i95 < NR * 0.95) i95++
			printf "%d %.2f %.2f\n", NR, v[i50], v[i95]
		}'
}

# bench_verdict VALUE LIMIT: "ok" or "MISSED" (VALUE < LIMIT)
bench_verdict() {
	awk -v v="$1" -v l="$2" 'BEGIN { print (v != "-" && v + 0 < l + 0) ? "ok" : "MISSED" }'
}
