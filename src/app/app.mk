## src/app: use cases (lookup, order, customer, cancel, cli).
noinst_LIBRARIES += liboms_app.a
liboms_app_a_SOURCES =
