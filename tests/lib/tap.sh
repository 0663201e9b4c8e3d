# Minimal TAP helpers for shell tests.
#
#   tap_ok STATUS DESCRIPTION    # "ok N - ..." when STATUS is 0, else "not ok"
#   tap_is GOT EXPECTED DESCRIPTION
#   tap_missed DESCRIPTION DIAG  # a failure found between checks (a wait that
#                                # timed out): reported with the next check
#   tap_done                     # the plan; false when anything failed
#
# A missed step never goes unreported: if the next check fails, its "not ok"
# line carries the step's diagnostics; if it passes, the step gets a "not ok"
# line of its own first; tap_done reports what is still pending.
TAP_N=0
TAP_FAILED=0
TAP_MISSED=
TAP_MISSED_DIAG=

tap_missed() {	# tap_missed DESCRIPTION DIAG
	TAP_MISSED="${TAP_MISSED:+$TAP_MISSED; }$1"
	TAP_MISSED_DIAG="$TAP_MISSED_DIAG$2"$'\n'
}

tap__flush_missed() {	# prints the pending diagnostics, forgets them
	[ -n "$TAP_MISSED" ] || return 0
	printf '%s' "$TAP_MISSED_DIAG" | sed 's/^/# /'
	TAP_MISSED= TAP_MISSED_DIAG=
}

tap_ok() {	# tap_ok CONDITION_STATUS DESCRIPTION
	if [ -n "$TAP_MISSED" ] && [ "$1" -eq 0 ]; then
		TAP_N=$((TAP_N + 1)) TAP_FAILED=$((TAP_FAILED + 1))
		echo "not ok $TAP_N - $TAP_MISSED"
		tap__flush_missed
	fi
	TAP_N=$((TAP_N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $TAP_N - $2"
	else
		echo "not ok $TAP_N - $2"
		TAP_FAILED=$((TAP_FAILED + 1))
		tap__flush_missed
	fi
}
tap_is() {	# tap_is GOT EXPECTED DESCRIPTION
	if [ "$1" = "$2" ]; then
		tap_ok 0 "$3"
	else
		tap_ok 1 "$3"
		printf '#   got:      %s\n#   expected: %s\n' "$1" "$2"
	fi
}
tap_done() {
	if [ -n "$TAP_MISSED" ]; then
		TAP_N=$((TAP_N + 1)) TAP_FAILED=$((TAP_FAILED + 1))
		echo "not ok $TAP_N - $TAP_MISSED"
		tap__flush_missed
	fi
	echo "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
}
