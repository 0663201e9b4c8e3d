## fragment: tests/sql
