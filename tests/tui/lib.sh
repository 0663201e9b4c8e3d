# Journeys through the real terminal client, driven in tmux.
#
#   . "$OMS_SRCDIR/tests/tui/lib.sh"
#   tui_start [COLS ROWS] [ARGS...]    # oms -d "user=demo_csr" in a fresh tmux
#                                      # (TUI_USER: another login; TUI_SHELL_PREFIX:
#                                      # shell text run first, e.g. 'trap "" HUP; ';
#                                      # TUI_TERM: another TERM than screen)
#   tui_keys KEYS...                   # tmux send-keys (key names)
#   tui_type TEXT                      # literal text
#   tui_wait_for TEXT                  # poll the screen up to ~10 s (see below)
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
	# TUI_LOCALE: the locale's variables ("-u LANG -u LC_ALL": none at all)
	cmd="env ${TUI_LOCALE:-LANG=C.UTF-8 LC_ALL=C.UTF-8} TERM=${TUI_TERM:-screen} TZ=UTC NO_COLOR=1 HOME=$CLUSTER_DIR"
	cmd="$cmd OMS_CONFIG=$CLUSTER_DIR/oms.conf PGHOST=$PGHOST PGPORT=$PGPORT PGDATABASE=$PGDATABASE"
	cmd="${TUI_SHELL_PREFIX:-}$cmd $OMS_BUILDDIR/oms -d \"user=${TUI_USER:-demo_csr}\" $*; sleep 30"
	# TUI_COLOR=1: NO_COLOR left unset, for the theme journeys
	if [ -n "${TUI_COLOR:-}" ]; then
		cmd=${cmd/ NO_COLOR=1/}
		cmd=${cmd/env /env -u NO_COLOR }
	fi
	# TUI_AFTER: shell text run when oms has exited, e.g. to show its status
	if [ -n "${TUI_AFTER:-}" ]; then
		cmd="${cmd%sleep 30}${TUI_AFTER}sleep 30"
	fi
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

# Waits. tui_wait_for TEXT is true once TEXT is on the screen and no query
# is running (no spinner); tui_wait_gone TEXT once TEXT has left it;
# tui_wait_spinner once the status bar shows the spinner. Each polls every
# 0.1 s for TUI_WAIT_TENTHS tenths (100: ten seconds, ample under load: a
# wait that is right ends in well under a second).
#
# A wait that times out is a test failure, never silent, even when the
# caller throws its output away (`>/dev/null`) or does not look at its
# status: it is handed to tap_missed (tests/lib/tap.sh) with the text and
# the screen, and the next check reports it (its own "not ok" when that
# check fails, a "not ok" line of its own before it when it passes). The
# third timeout in a script bails out: the journey has left its track, and
# every later wait would only add ten seconds.
TUI_WAIT_TIMEOUTS=0

tui__timed_out() {	# tui__timed_out WHAT
	local secs="$((TUI_WAIT_TENTHS / 10)).$((TUI_WAIT_TENTHS % 10))"
	TUI_WAIT_TIMEOUTS=$((TUI_WAIT_TIMEOUTS + 1))
	tap_missed "timed out after $secs s waiting $1" \
		"timed out after $secs s waiting $1; the screen:"$'\n'"$(printf '%s\n' "$TUI_LAST" | sed 's/^/  | /')"
	if [ "$TUI_WAIT_TIMEOUTS" -ge 3 ]; then
		{
			echo "# three waits timed out; the journey has left its track"
			tap__flush_missed
			echo "Bail out! three waits timed out, the last $1"
		} >&"$TUI_TAP_FD"
		exit 1
	fi
	return 1
}

# The script's own stdout, for a bail-out from inside a wait whose output the
# caller sends to /dev/null.
exec {TUI_TAP_FD}>&1

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
	tui__timed_out "for: $1"
}

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
	tui__timed_out "for this to go: $1"
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

# --- configuration, colors, slow queries ------------------------------------
#   tui_conf TEXT            # writes TEXT as the oms.conf of the next tui_start
#   tui_attrs LINE TEXT      # "bold fg=red bg=green": how TEXT on screen line
#                            # LINE (1 = top) is drawn, from capture-pane -e
#   tui_color_codes          # the SGR color codes on the screen, one a line
#                            # (none printed: no color at all)
#   tui_wait_spinner         # true once the status bar shows the spinner

tui_conf() {
	printf '%s\n' "$1" >"$CLUSTER_DIR/oms.conf"
}

# capture-pane -e emits SGR sequences relative to the previous cell, and
# tmux 3.3 gets that wrong from one line to the next; one line captured
# alone starts from the default state, so it reads exactly.
tui__esc_line() {
	tui__tmux capture-pane -p -e -t oms -S "$(($1 - 1))" -E "$(($1 - 1))"
}

tui__sgr_awk='
function reset() { fg = "default"; bg = "default"; split("", on) }
function cname(n) { return n >= 0 && n < 8 ? names[n] : n }
function state(   s, k) {
	s = ""
	for (k = 1; k <= nattr; k++)
		if (attr[k] in on)
			s = s attr[k] " "
	return s "fg=" fg " bg=" bg
}
BEGIN {
	split("black red green yellow blue magenta cyan white", tmp, " ")
	for (k = 1; k <= 8; k++) names[k - 1] = tmp[k]
	nattr = split("bold dim italic underline blink reverse", attr, " ")
	code[1] = "bold"; code[2] = "dim"; code[3] = "italic"; code[4] = "underline"
	code[5] = "blink"; code[7] = "reverse"
	reset()
}
{
	s = $0; vis = ""
	while (length(s) > 0) {
		if (match(s, /^\033\[[0-9;:]*m/)) {
			np = split(substr(s, 3, RLENGTH - 3), p, /[;:]/)
			s = substr(s, RLENGTH + 1)
			if (np == 0) { np = 1; p[1] = 0 }
			for (i = 1; i <= np; i++) {
				c = p[i] + 0
				if (c == 38 || c == 48) {
					v = p[i + 1] == 5 ? p[i + 2] : "rgb"
					i += p[i + 1] == 5 ? 2 : 4
					if (mode == "codes") print c ";" p[i - 1]
					if (c == 38) fg = v; else bg = v
					continue
				}
				if (mode == "codes" && ((c >= 30 && c <= 37) || (c >= 40 && c <= 47) ||
				    (c >= 90 && c <= 97) || (c >= 100 && c <= 107)))
					print c
				if (c == 0) reset()
				else if (c in code) on[code[c]] = 1
				else if (c == 22) { delete on["bold"]; delete on["dim"] }
				else if (c == 23) delete on["italic"]
				else if (c == 24) delete on["underline"]
				else if (c == 25) delete on["blink"]
				else if (c == 27) delete on["reverse"]
				else if (c >= 30 && c <= 37) fg = cname(c - 30)
				else if (c == 39) fg = "default"
				else if (c >= 40 && c <= 47) bg = cname(c - 40)
				else if (c == 49) bg = "default"
				else if (c >= 90 && c <= 97) fg = "bright-" cname(c - 90)
				else if (c >= 100 && c <= 107) bg = "bright-" cname(c - 100)
			}
			continue
		}
		if (substr(s, 1, 1) == "\033" && match(s, /^\033\[[0-9;?]*[A-Za-z]/)) {
			s = substr(s, RLENGTH + 1)        # not an attribute
			continue
		}
		vis = vis substr(s, 1, 1)
		at[length(vis)] = state()
		s = substr(s, 2)
	}
	if (mode == "attrs") {
		k = index(vis, text)
		print k ? at[k] : "(not on line " NR ")"
	}
}'

tui_attrs() {
	tui__esc_line "$1" | LC_ALL=C awk -v mode=attrs -v text="$2" "$tui__sgr_awk"
}

tui_color_codes() {
	local y h
	h=$(tui__tmux display-message -p -t oms '#{pane_height}')
	for y in $(seq 1 "$h"); do
		tui__esc_line "$y"
	done | LC_ALL=C awk -v mode=codes "$tui__sgr_awk"
}

tui_wait_spinner() {
	local i=0
	while [ "$i" -lt "$TUI_WAIT_TENTHS" ]; do
		TUI_LAST=$(tui_screen)
		case $TUI_LAST in
		*"working... Esc cancels"*) return 0 ;;
		esac
		sleep 0.1
		i=$((i + 1))
	done
	tui__timed_out "for the spinner"
}
