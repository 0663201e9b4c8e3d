## fragment: tests/tui
