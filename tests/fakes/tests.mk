## fragment: tests/fakes
