-- BR-025 (issue 8, break 2): the cancellation window is read from the
-- clock, not from the start of the transaction. A CSR who opened a
-- transaction before the window closed cannot cancel at once after it.
-- (pgTAP runs in one transaction: now() is its start, fixed, like a
-- session that opened BEGIN and walked away.)
BEGIN;
\ir fixture.psql
SELECT plan(5);
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1))) AS o \gset
-- the window (1 hour) closes 1 second after this transaction started
UPDATE oms.orders SET placed_at = now() - interval '1 hour' + interval '1 second' WHERE order_no = :o;
SET SESSION AUTHORIZATION t_csr;
SELECT is((SELECT verdict FROM oms_api.cancel_eligibility(:o)), 'allowed',
	'BR-025: within the window the CSR may cancel at once');
SELECT pg_sleep(1.5);
SELECT ok(now() < (SELECT placed_at + interval '1 hour' FROM oms.orders WHERE order_no = :o),
	'BR-025: by the transaction''s clock (now()) the window is still open');
SELECT is((SELECT verdict FROM oms_api.cancel_eligibility(:o)), 'needs_approval',
	'BR-025: by the wall clock it has closed: eligibility says approval is needed');
SELECT is((SELECT state FROM oms_api.cancel_order(:o, 'customer_request')), 'pending_approval',
	'BR-025: a cancellation in a transaction opened before the window closed waits for approval');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT within_window FROM oms.cancellation c JOIN oms.orders o ON o.id = c.order_id WHERE o.order_no = :o),
	false, 'BR-025: the cancellation is recorded as after the window');
SELECT * FROM finish();
ROLLBACK;
