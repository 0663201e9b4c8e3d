## issue 10: the report screen, the administrator's dashboard, the orders
## behind a figure and export of the lists on screen (ui/view_reports.c,
## view_dashboard.c, view_report_orders.c, export.c, export_lists.c,
## chart.c, report_period.c, rtable.c), their unit test and their journeys
## (kept beside ui/ui.mk so that the two can be edited at the same time).
liboms_ui_a_SOURCES += ui/report_view.h ui/report_period.c ui/view_report_orders.c \
	ui/view_dashboard.c ui/rtable.c ui/rtable.h ui/chart.c ui/chart.h ui/export.c ui/export.h \
	ui/export_lists.c ui/view_reports_data.c ui/view_reports_int.h

check_PROGRAMS += tests/unit/test_report_view
TESTS += tests/unit/test_report_view
tests_unit_test_report_view_SOURCES = tests/unit/test_report_view.c
tests_unit_test_report_view_CFLAGS = $(ui_test_cflags)
tests_unit_test_report_view_LDADD = liboms_ui.a liboms_cli.a liboms_ui.a liboms_app.a liboms_http.a liboms_core.a \
	$(NCURSESW_LIBS) $(LIBPQ_LIBS) $(LIBCURL_LIBS) $(JANSSON_LIBS) $(PCRE2_LIBS) $(CMOCKA_LIBS)

TESTS += tests/tui/report.test tests/tui/dashboard.test tests/tui/export.test
EXTRA_DIST += ui/report.mk tests/tui/report.test tests/tui/dashboard.test tests/tui/export.test \
	tests/tui/expected/report-volume-all.txt tests/tui/expected/report-kpi.txt \
	tests/tui/expected/dashboard.txt
