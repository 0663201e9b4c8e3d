## fragment: tests/tui — journeys through the terminal client in tmux
## (tests/tui/lib.sh), compared with the screens in tests/tui/expected/,
## and the check that oms(1)'s KEYS table matches the action table.
TESTS += tests/tui/journeys.test tests/tui/reconnect.test tests/tui/man-keys.test
TESTS += tests/tui/approvals.test
TESTS += tests/tui/cancel.test tests/tui/cancel-lines.test tests/tui/sessions.test tests/tui/limits.test
EXTRA_DIST += tests/tui/sessions.test tests/tui/limits.test
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
TESTS += tests/tui/refund.test
EXTRA_DIST += tests/tui/refund.test tests/tui/expected/refund-dialog.txt tests/tui/expected/refund-confirm.txt
EXTRA_DIST += tests/tui/expected/refund-pending.txt tests/tui/expected/refund-too-much.txt
EXTRA_DIST += tests/tui/expected/refund-line.txt tests/tui/expected/refund-order-60x20.txt
EXTRA_DIST += tests/tui/expected/refund-approvals.txt tests/tui/expected/refund-approved.txt
TESTS += tests/tui/hangup.test
EXTRA_DIST += tests/tui/hangup.test
TESTS += tests/tui/cancel-override.test
EXTRA_DIST += tests/tui/cancel-override.test tests/tui/expected/cancel-override-confirm.txt
TESTS += tests/tui/screens.test
EXTRA_DIST += tests/tui/screens.test
## issue 13: leaving (Ctrl-C, q, F10 in dialogs, TERM=dumb), typing and paste
TESTS += tests/tui/leaving.test tests/tui/typing.test tests/tui/man-groff.test
EXTRA_DIST += tests/tui/leaving.test tests/tui/typing.test tests/tui/man-groff.test
## issue 13: messages (going when the person acts, the history) and copy (OSC 52)
TESTS += tests/tui/messages.test tests/tui/copy.test
EXTRA_DIST += tests/tui/messages.test tests/tui/copy.test
## issue 13: locales, the breadcrumb, Enter on a name that matches several
TESTS += tests/tui/terminals.test tests/tui/walkthrough.test
EXTRA_DIST += tests/tui/terminals.test tests/tui/walkthrough.test
## issue 11: the fulfilment queue and the ship dialog
TESTS += tests/tui/queue.test
EXTRA_DIST += tests/tui/queue.test tests/tui/expected/queue-list.txt \
	tests/tui/expected/queue-ship-refused.txt tests/tui/expected/queue-marked.txt
TESTS += tests/tui/ship-label.test tests/tui/ship-reviews.test
EXTRA_DIST += tests/tui/ship-label.test tests/tui/ship-reviews.test
TESTS += tests/tui/list-find.test
EXTRA_DIST += tests/tui/list-find.test
TESTS += tests/tui/stuck-mark.test
EXTRA_DIST += tests/tui/stuck-mark.test
TESTS += tests/tui/refund-retry.test
EXTRA_DIST += tests/tui/refund-retry.test
TESTS += tests/tui/recent.test
EXTRA_DIST += tests/tui/recent.test
TESTS += tests/tui/narrow.test
EXTRA_DIST += tests/tui/narrow.test
TESTS += tests/tui/scroll-indicator.test
EXTRA_DIST += tests/tui/scroll-indicator.test
TESTS += tests/tui/status-menu.test
EXTRA_DIST += tests/tui/status-menu.test
## issue 13: the order screen's timeline, refresh tracking (issue 11), the customer's addresses and tickets
TESTS += tests/tui/timeline.test tests/tui/tracking-refresh.test tests/tui/customer-tickets.test
EXTRA_DIST += tests/tui/timeline.test tests/tui/tracking-refresh.test tests/tui/customer-tickets.test
