## fragment: tests/tui — journeys through the terminal client in tmux
## (tests/tui/lib.sh), compared with the screens in tests/tui/expected/,
## and the check that oms(1)'s KEYS table matches the action table.
TESTS += tests/tui/journeys.test tests/tui/reconnect.test tests/tui/man-keys.test
EXTRA_DIST += tests/tui/lib.sh tests/tui/journeys.test tests/tui/reconnect.test \
	tests/tui/man-keys.test $(wildcard $(srcdir)/tests/tui/expected/*.txt)
