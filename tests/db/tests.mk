## fragment: tests/db
