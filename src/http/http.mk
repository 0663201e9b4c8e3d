## fragment: src/http
