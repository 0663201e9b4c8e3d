## src/: core (config, log, status, db, migrate, demo) and the two programs.
noinst_LIBRARIES += liboms_core.a
liboms_core_a_SOURCES = src/status.c src/status.h src/db/db.h
nodist_liboms_core_a_SOURCES =

bin_PROGRAMS += oms
oms_SOURCES = src/main.c
oms_LDADD = liboms_ui.a liboms_app.a liboms_core.a \
	$(NCURSESW_LIBS) $(LIBPQ_LIBS) $(JANSSON_LIBS) $(PCRE2_LIBS)
