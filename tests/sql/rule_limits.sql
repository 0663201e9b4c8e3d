-- Issue 8, break 15: small rule gaps. A note of only white space is no
-- note; quantities and totals are bounded; text is at most 10000
-- characters; no login but a superuser creates large objects.
BEGIN;
\ir fixture.psql
SELECT plan(13);
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 2))) AS o \gset
SELECT id AS cust FROM oms.customer \gset
SELECT id AS addr FROM oms.address \gset
SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.err(format('SELECT * FROM oms_api.cancel_order(%s, %L, %L)', :o, 'other', E'\t\n \r')),
	'^22023: BR-023: reason "other" needs a note', 'BR-023: a note of tabs and newlines is no note');
SELECT matches(pg_temp.err(format('SELECT oms_api.request_refund(%s, 100, %L)', :o, E'\t\n')),
	'^22023: a refund needs a reason', 'a refund reason of white space is no reason');
SELECT matches(pg_temp.err(format('SELECT * FROM oms_api.cancel_order(%s, %L, %L)', :o, 'other', repeat('x', 10001))),
	'^22023: a note may be at most 10000 characters', 'a note of 10001 characters is refused');
SELECT matches(pg_temp.err(format('SELECT oms_api.request_refund(%s, 100, %L)', :o, repeat('y', 1000000))),
	'^22023: a refund reason may be at most 10000 characters', 'a 1 MB refund reason is refused');
SELECT matches(pg_temp.err(format('SELECT oms_api.request_refund(%s, 100, %L, %L)', :o, 'goodwill', repeat('z', 10001))),
	'^22023: a note may be at most 10000', 'a 10001-character refund note is refused');
SELECT is(pg_temp.err(format('SELECT * FROM oms_api.cancel_order(%s, %L, %L)', :o, 'other', repeat('ü', 10000))), 'ok',
	'10000 characters (not bytes: 20000 bytes here) are accepted');
SELECT matches(pg_temp.err(format($$SELECT * FROM oms_api.place_checkout(%s, %s, '[{"item_id": %s, "qty": 2147483647}]')$$, :cust, :addr, :item_a1)),
	'^22023: at most 999 units of one item', 'a 2,147,483,647-unit line is refused (policy max_line_qty)');
SELECT matches(pg_temp.err(format($$SELECT * FROM oms_api.place_checkout(%s, %s, '[{"item_id": %s, "qty": 600}, {"item_id": %s, "qty": 600}]')$$, :cust, :addr, :item_a1, :item_a1)),
	'^22023: at most 999 units', 'the same item on two lines counts together');
SELECT is(pg_temp.err(format($$SELECT * FROM oms_api.place_checkout(%s, %s, '[{"item_id": %s, "qty": 999}]')$$, :cust, :addr, :item_a1)), 'ok',
	'999 units are accepted');
RESET SESSION AUTHORIZATION;
UPDATE oms.policy SET value = '500000' WHERE key = 'max_order_total_minor';
SET SESSION AUTHORIZATION t_csr;
SELECT matches(pg_temp.err(format($$SELECT * FROM oms_api.place_checkout(%s, %s, '[{"item_id": %s, "qty": 501}]')$$, :cust, :addr, :item_a1)),
	'^22023: an order may total at most 500000', 'an order over max_order_total_minor is refused');
SELECT throws_ok('SELECT lo_create(0)', '42501', NULL, 'a CSR cannot create a large object');
SELECT throws_ok($$SELECT lo_from_bytea(0, 'x')$$, '42501', NULL, 'nor from bytea');
RESET SESSION AUTHORIZATION;
SELECT throws_ok($$SELECT oms_api.policy_set('max_line_qty', '2000000')$$, '22023', NULL,
	'max_line_qty cannot exceed the table''s hard ceiling of 1000000');
SELECT * FROM finish();
ROLLBACK;
