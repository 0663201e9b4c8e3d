## fragment: tests/tui — journeys through the terminal client in tmux
## (tests/tui/lib.sh), compared with the screens in tests/tui/expected/,
## and the check that oms(1)'s KEYS table matches the action table.
TESTS += tests/tui/journeys.test tests/tui/reconnect.test tests/tui/man-keys.test
TESTS += tests/tui/approvals.test
TESTS += tests/tui/cancel.test tests/tui/cancel-lines.test
EXTRA_DIST += tests/tui/approvals.test
EXTRA_DIST += tests/tui/cancel.test tests/tui/cancel-lines.test
EXTRA_DIST += tests/tui/lib.sh tests/tui/journeys.test tests/tui/reconnect.test \
	tests/tui/man-keys.test
EXTRA_DIST += tests/tui/expected/cancel-dialog.txt
EXTRA_DIST += tests/tui/expected/cancel-dialog-approval.txt
EXTRA_DIST += tests/tui/expected/cancel-done.txt
EXTRA_DIST += tests/tui/expected/cancel-pending-approval.txt
EXTRA_DIST += tests/tui/expected/cancel-refused-shipped.txt
EXTRA_DIST += tests/tui/expected/customer-60x20.txt
EXTRA_DIST += tests/tui/expected/customer-80x24.txt
EXTRA_DIST += tests/tui/expected/find-email-capitals.txt
EXTRA_DIST += tests/tui/expected/find-mistyped.txt
EXTRA_DIST += tests/tui/expected/find-name-accent.txt
EXTRA_DIST += tests/tui/expected/find-order-number.txt
EXTRA_DIST += tests/tui/expected/find-phone.txt
EXTRA_DIST += tests/tui/expected/help.txt
EXTRA_DIST += tests/tui/expected/history-filter-delivered.txt
EXTRA_DIST += tests/tui/expected/history-last-page.txt
EXTRA_DIST += tests/tui/expected/lookup-60x20.txt
EXTRA_DIST += tests/tui/expected/open-customer.txt
EXTRA_DIST += tests/tui/expected/open-order.txt
EXTRA_DIST += tests/tui/expected/reconnected-order.txt
EXTRA_DIST += tests/tui/expected/approvals-list.txt
EXTRA_DIST += tests/tui/expected/approvals-refuse-empty.txt
EXTRA_DIST += tests/tui/expected/approvals-approved.txt
TESTS += tests/tui/theme.test
EXTRA_DIST += tests/tui/theme.test
TESTS += tests/tui/keys.test
EXTRA_DIST += tests/tui/keys.test tests/tui/expected/keys-help.txt
TESTS += tests/tui/slow-query.test
EXTRA_DIST += tests/tui/slow-query.test
EXTRA_DIST += tests/tui/expected/cancel-lines-mode.txt
EXTRA_DIST += tests/tui/expected/cancel-lines-marked.txt
EXTRA_DIST += tests/tui/expected/cancel-lines-done.txt
EXTRA_DIST += tests/tui/expected/cancel-lines-approval.txt
EXTRA_DIST += tests/tui/expected/cancel-lines-60x20.txt
TESTS += tests/tui/history-dates.test
EXTRA_DIST += tests/tui/history-dates.test tests/tui/expected/history-dates.txt tests/tui/expected/history-dates-bad-from.txt
TESTS += tests/tui/plain.test
EXTRA_DIST += tests/tui/plain.test tests/tui/expected/plain-lookup.txt tests/tui/expected/plain-find.txt
EXTRA_DIST += tests/tui/expected/plain-order.txt tests/tui/expected/plain-customer.txt tests/tui/expected/plain-help.txt
