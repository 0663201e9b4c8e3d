## ui/: ncurses views, event loop, keymap.
noinst_LIBRARIES += liboms_ui.a
liboms_ui_a_SOURCES =
