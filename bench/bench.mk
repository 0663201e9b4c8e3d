## fragment: bench
