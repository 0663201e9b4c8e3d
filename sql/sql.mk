## fragment: sql
