-- 0021: the name search's time limit (issue 14). oms_api.lookup(kind
-- 'name') stops with SQLSTATE 57014 once it has run longer than this, so
-- that one search for a very common fragment cannot hold a pooled server
-- connection for long (a function cannot set statement_timeout for its own
-- statement: the server arms that timer when the client's statement
-- starts). Milliseconds or seconds, e.g. '500 ms' or '2 seconds'; a value
-- the function cannot read counts as 2 seconds. oms-schema(7), SIZING.

SET LOCAL ROLE oms_owner;

INSERT INTO oms.policy (key, value, description) VALUES
	('name_search_timeout', '2 seconds',
	 'a name search that runs longer stops (57014): ms or seconds, e.g. 500 ms');
