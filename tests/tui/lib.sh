# Journeys through the real terminal client, driven in tmux.
#
#   . "$OMS_SRCDIR/tests/tui/lib.sh"
#   tui_start [COLS ROWS] [ARGS...]    # oms -d "user=demo_csr" in a fresh tmux
#                                      # (TUI_USER: another login; TUI_SHELL_PREFIX:
#                                      # shell text run first, e.g. 'trap "" HUP; ')
#   tui_keys KEYS...                   # tmux send-keys (key names)
#   tui_type TEXT                      # literal text
#   tui_wait_for TEXT                  # poll the screen up to ~10 s
#   tui_expect NAME                    # compare with tests/tui/expected/NAME.txt
#
# The tmux server is private (-L oms-test-$$) and killed at exit; the
# terminal is fixed: TERM=screen (what tmux emulates, so that Home, End
# and the function keys arrive as terminfo says), LANG=C.UTF-8, TZ=UTC, NO_COLOR=1.
# Set OMS_TUI_UPDATE=1 to write the expected screens instead of comparing.

TUI_SOCK="oms-test-$$"
TUI_WAIT_TENTHS=${TUI_WAIT_TENTHS:-100}
TUI_LAST=

tui__tmux() {
	tmux -L "$TUI_SOCK" "$@"
}

tui_stop() {
	tui__tmux kill-server >/dev/null 2>&1 || true
}

tui_start() {
	local cols=80 rows=24
	if [ "$#" -ge 2 ] && [ "$1" -eq "$1" ] 2>/dev/null; then
		cols=$1 rows=$2
		shift 2
	fi
	command -v tmux >/dev/null || { echo "1..0 # SKIP tmux not installed"; exit 0; }
	tui_stop
	# A new socket for every start: a server being killed removes its
	# socket when it exits, which would cut us off from a new server that
	# had taken the same name meanwhile.
	TUI_STARTS=$((${TUI_STARTS:-0} + 1))
	TUI_SOCK="oms-test-$$-$TUI_STARTS"
	# cluster.sh owns the EXIT trap: chain ours in front of it
	trap 'tui_stop; cluster_stop' EXIT
	local cmd
	[ -f "$CLUSTER_DIR/oms.conf" ] || : >"$CLUSTER_DIR/oms.conf"
	cmd="env TERM=screen LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC NO_COLOR=1 HOME=$CLUSTER_DIR"
	cmd="$cmd OMS_CONFIG=$CLUSTER_DIR/oms.conf PGHOST=$PGHOST PGPORT=$PGPORT PGDATABASE=$PGDATABASE"
	cmd="${TUI_SHELL_PREFIX:-}$cmd $OMS_BUILDDIR/oms -d \"user=${TUI_USER:-demo_csr}\" $*; sleep 30"
	tui__tmux -f /dev/null new-session -d -x "$cols" -y "$rows" -s oms "$cmd"
	tui__tmux set-option -g status off >/dev/null
	tui__tmux set-option -g escape-time 0 >/dev/null
	tui__tmux set-option -g default-terminal screen >/dev/null
	tui__tmux resize-window -t oms -x "$cols" -y "$rows" >/dev/null 2>&1 || true
}

tui_screen() {
	tui__tmux capture-pane -p -t oms
}

tui_keys() {
	tui__tmux send-keys -t oms "$@"
}

tui_type() {
	tui__tmux send-keys -t oms -l -- "$1"
}

# tui_wait_for TEXT: true once TEXT is on the screen and no query is
# running (no spinner); false after about ten seconds.
tui_wait_for() {
	local i=0
	while [ "$i" -lt "$TUI_WAIT_TENTHS" ]; do
		TUI_LAST=$(tui_screen)
		case $TUI_LAST in
		*"working..."*) ;;
		*"$1"*) return 0 ;;
		esac
		sleep 0.1
		i=$((i + 1))
	done
	echo "# timed out waiting for: $1"
	printf '%s\n' "$TUI_LAST" | sed 's/^/#   | /'
	return 1
}

# tui_wait_gone TEXT: true once TEXT has left the screen.
tui_wait_gone() {
	local i=0
	while [ "$i" -lt "$TUI_WAIT_TENTHS" ]; do
		TUI_LAST=$(tui_screen)
		case $TUI_LAST in
		*"$1"*) ;;
		*) return 0 ;;
		esac
		sleep 0.1
		i=$((i + 1))
	done
	echo "# timed out waiting for this to go: $1"
	return 1
}

# Screens are compared with dates and times masked, so that the expected
# screens do not depend on the day the demo data was generated (nor on the
# id a new refund gets).
tui__mask() {
	sed -E -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}/YYYY-MM-DD/g' -e 's/[0-9]{2}:[0-9]{2}/hh:mm/g' \
		-e 's/Refund [0-9]+ /Refund N /g' \
		-e 's/[[:space:]]+$//'
}

# tui_expect NAME: compares the current screen with expected/NAME.txt.
tui_expect() {
	local exp="$OMS_SRCDIR/tests/tui/expected/$1.txt" got
	got=$(tui_screen | tui__mask)
	if [ -n "${OMS_TUI_UPDATE:-}" ]; then
		printf '%s\n' "$got" >"$exp"
		echo "# wrote $exp"
		return 0
	fi
	if [ ! -f "$exp" ]; then
		echo "# no expected screen $exp; this is the screen:"
		printf '%s\n' "$got" | sed 's/^/#   | /'
		return 1
	fi
	if [ "$got" = "$(tui__mask <"$exp")" ]; then
		return 0
	fi
	echo "# screen differs from $exp:"
	diff -u "$exp" <(printf '%s\n' "$got") | sed 's/^/#   /'
	return 1
}
