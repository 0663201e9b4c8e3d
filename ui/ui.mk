## ui/: ncurses views, event loop, keymap.
noinst_LIBRARIES += liboms_ui.a
liboms_ui_a_SOURCES = \
	ui/actions.h ui/keymap.c ui/keymap.h ui/width.c ui/width.h \
	ui/theme.c ui/theme.h ui/ui.h ui/ui.c ui/loop.c ui/loop.h ui/loop_int.h ui/rconn.c ui/message.c ui/keys_in.c ui/views.h \
	ui/statusbar.c ui/list.c ui/list.h ui/input.c ui/input.h ui/doc.c ui/doc.h \
	ui/view_lookup.c ui/view_order.c ui/view_customer.c ui/view_help.c \
	ui/view_cancel.c ui/view_approvals.c ui/view_refund.c ui/frame.c ui/frame.h \
	ui/view_cancel_lines.c ui/view_cancel_int.h \
	ui/bench.c ui/bench.h ui/screens.c ui/screens.h ui/view_menu.c ui/view_reports.c \
	ui/form.c ui/form.h
## issue 13: the one line editor, date words, asking before quitting
liboms_ui_a_SOURCES += ui/line_edit.c ui/date_words.c ui/date_words.h ui/term_check.c \
	ui/view_messages.c ui/view_messages.h ui/clipboard.c ui/clipboard.h
## issue 13: finding within a list (/, n, N)
liboms_ui_a_SOURCES += ui/list_find.c ui/list_find.h
## issue 13: recently opened orders and customers (O, F9)
liboms_ui_a_SOURCES += ui/view_recent.c ui/view_recent.h
## issue 11: the fulfilment queue and the ship dialog
liboms_ui_a_SOURCES += ui/view_queue.c ui/view_label.c ui/view_reviews.c
## issue 13: the customer's addresses and tickets, a ticket's messages
liboms_ui_a_SOURCES += ui/view_tickets.c ui/view_tickets.h

## The KEYS table of oms(1) comes from the action table (ui/actions.h):
## ui/gen-keys prints it; `make update-man-keys` replaces the text between
## the BEGIN KEYS and END KEYS markers of man/oms.1 with it, and
## tests/tui/man-keys.test fails when man/oms.1 disagrees.
noinst_PROGRAMS += ui/gen-keys
ui_gen_keys_SOURCES = ui/gen-keys.c ui/keymap.c
ui_gen_keys_LDADD = liboms_core.a

update-man-keys: ui/gen-keys$(EXEEXT)
	$(AM_V_GEN)ui/gen-keys$(EXEEXT) >man-keys.tmp && \
	$(AWK) 'FNR == NR { keys = keys $$0 "\n"; next } \
		/^\.\\" BEGIN KEYS/ { printf "%s", keys; skip = 1; next } \
		/^\.\\" END KEYS/ { skip = 0; next } !skip' \
		man-keys.tmp $(srcdir)/man/oms.1 >man-oms1.tmp && \
	mv man-oms1.tmp $(srcdir)/man/oms.1 && rm -f man-keys.tmp
.PHONY: update-man-keys

## Unit tests of the widgets' pure parts (no terminal needed).
ui_test_cflags = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
check_PROGRAMS += tests/unit/test_width tests/unit/test_keymap
TESTS += tests/unit/test_width tests/unit/test_keymap
tests_unit_test_width_SOURCES = tests/unit/test_width.c ui/width.c
tests_unit_test_width_CFLAGS = $(ui_test_cflags)
tests_unit_test_width_LDADD = $(CMOCKA_LIBS)
tests_unit_test_keymap_SOURCES = tests/unit/test_keymap.c ui/keymap.c
tests_unit_test_keymap_CFLAGS = $(ui_test_cflags)
tests_unit_test_keymap_LDADD = liboms_core.a $(CMOCKA_LIBS)
## issue 13: the line editor and the date words, alone
check_PROGRAMS += tests/unit/test_line_edit tests/unit/test_date_words
TESTS += tests/unit/test_line_edit tests/unit/test_date_words
tests_unit_test_line_edit_SOURCES = tests/unit/test_line_edit.c ui/line_edit.c ui/width.c ui/keymap.c
tests_unit_test_line_edit_CFLAGS = $(ui_test_cflags)
tests_unit_test_line_edit_LDADD = liboms_core.a $(CMOCKA_LIBS)
tests_unit_test_date_words_SOURCES = tests/unit/test_date_words.c ui/date_words.c
tests_unit_test_date_words_CFLAGS = $(ui_test_cflags)
tests_unit_test_date_words_LDADD = $(CMOCKA_LIBS)
## issue 13: phones for display (src/app/phone_format.c), alone
check_PROGRAMS += tests/unit/test_phone_format
TESTS += tests/unit/test_phone_format
tests_unit_test_phone_format_SOURCES = tests/unit/test_phone_format.c src/app/phone_format.c
tests_unit_test_phone_format_CFLAGS = $(ui_test_cflags)
tests_unit_test_phone_format_LDADD = $(CMOCKA_LIBS)
## issue 13: a small menu to pick a list's filter (the status filter's groups)
liboms_ui_a_SOURCES += ui/pick.c ui/pick.h
