-- Analysts: no base tables, PII-free views in oms_report.
BEGIN;
\ir fixture.psql
SELECT plan(8);
SELECT pg_temp.new_order(jsonb_build_array(jsonb_build_object('item_id', :item_a1, 'qty', 1),
                                           jsonb_build_object('item_id', :item_b1, 'qty', 1))) AS oa \gset
SET SESSION AUTHORIZATION t_csr;
SELECT cancellation_id AS c FROM oms_api.cancel_order(:oa, 'customer_request') \gset
SET SESSION AUTHORIZATION t_analyst;
SELECT throws_ok('SELECT count(*) FROM oms.orders', '42501', NULL, 'analyst: no SELECT on oms.orders');
SELECT throws_ok('SELECT count(*) FROM oms.customer', '42501', NULL, 'analyst: no SELECT on oms.customer');
SELECT is((SELECT sum(orders) FROM oms_report.daily_order_volume), 2::numeric, 'analyst: daily_order_volume counts the orders');
SELECT is((SELECT sum(cancellations) FROM oms_report.cancellation_rates WHERE reason_code = 'customer_request'), 1::numeric,
	'analyst: cancellation_rates by reason');
SELECT ok((SELECT count(*) FROM oms_report.fulfilment_times) >= 1, 'analyst: fulfilment_times is readable');
SELECT is((SELECT sum(amount_minor) FROM oms_report.refunds), 1500::numeric, 'analyst: refunds (seller A: 10.00 + 5.00 shipping)');
SELECT is((SELECT role FROM oms_api.whoami()), 'analyst', 'analyst: whoami works');
RESET SESSION AUTHORIZATION;
-- no column of any report view may be PII
SELECT is((SELECT array_agg(table_name || '.' || column_name) FROM information_schema.columns
	WHERE table_schema = 'oms_report'
	  AND column_name ~ '(name|email|phone|line1|line2|city|postal|address|customer|ship_to)'
	  AND column_name <> 'seller_name' AND column_name <> 'reason_label'
	  -- a product's name, and the export's pseudonym (SHA-256 of a secret
	  -- analysts cannot read and the id: tests/cli/export.test shows it is
	  -- not the id and cannot be found by hashing ids)
	  AND column_name <> 'item_name' AND column_name <> 'customer_ref'), NULL,
	'analyst: no report column holds names, e-mails, phones, addresses or customer ids');
SELECT * FROM finish();
ROLLBACK;
