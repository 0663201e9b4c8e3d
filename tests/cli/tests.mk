## fragment: tests/cli
