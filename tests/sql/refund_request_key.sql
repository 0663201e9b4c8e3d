-- Issue 8, break 7: a refund request carries the client's idempotency key;
-- a retry of the same request (same key, same parameters) returns the first
-- refund and creates nothing; the key with other parameters is refused.
BEGIN;
\ir fixture.psql
SELECT plan(8);
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 2))) AS o \gset
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 2))) AS o2 \gset
SELECT format('CREATE ROLE %I LOGIN IN ROLE oms_csr', 't_csr2')
	WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 't_csr2') \gexec
INSERT INTO oms.staff (login, full_name, role) VALUES ('t_csr2', 'Cory Rep', 'csr');
SET SESSION AUTHORIZATION t_csr;
SELECT oms_api.request_refund(:o, 700, 'goodwill', 'late parcel', 'a3c1e7f0-5b4d-4c2a-9f00-000000000001') AS r1 \gset
SELECT is(oms_api.request_refund(:o, 700, 'goodwill', 'late parcel', 'a3c1e7f0-5b4d-4c2a-9f00-000000000001'),
	:r1::bigint, 'the same key and parameters: the first refund''s id');
SELECT is(oms_api.request_refund(:o, 700, '  goodwill ', E'late parcel\n', 'a3c1e7f0-5b4d-4c2a-9f00-000000000001'),
	:r1::bigint, 'white space around the same words is the same request');
SELECT matches(pg_temp.err(format($$SELECT oms_api.request_refund(%s, 800, 'goodwill', 'late parcel', 'a3c1e7f0-5b4d-4c2a-9f00-000000000001')$$, :o)),
	'^22023: request key .* was used for another refund request', 'the same key with another amount is refused');
SELECT matches(pg_temp.err(format($$SELECT oms_api.request_refund(%s, 700, 'goodwill', 'late parcel', 'a3c1e7f0-5b4d-4c2a-9f00-000000000001')$$, :o2)),
	'^22023', 'the same key on another order is refused');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t_csr2;
SELECT matches(pg_temp.err(format($$SELECT oms_api.request_refund(%s, 700, 'goodwill', 'late parcel', 'a3c1e7f0-5b4d-4c2a-9f00-000000000001')$$, :o)),
	'^22023', 'another person''s key is not theirs to replay');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*) FROM oms.refund r JOIN oms.orders o ON o.id = r.order_id WHERE o.order_no IN (:o, :o2)),
	1::bigint, 'one refund in all');
SET SESSION AUTHORIZATION t_csr;
SELECT isnt(oms_api.request_refund(:o, 700, 'goodwill', 'late parcel', 'a3c1e7f0-5b4d-4c2a-9f00-000000000002'),
	:r1::bigint, 'a new key is a new request');
SELECT isnt(oms_api.request_refund(:o, 100, 'goodwill'), NULL::bigint, 'no key (psql): a new request every time');
RESET SESSION AUTHORIZATION;
SELECT * FROM finish();
ROLLBACK;
