-- 0030: monthly report summaries (issue 10), beside the daily ones of
-- 0020. A report over whole months reads one row per month and key instead
-- of one per day: all time at a million orders is a few thousand rows.
-- Kept exactly like the daily rows, by the same refresh functions
-- (sql/functions/95_reports.sql): every -old/+new row appended to a daily
-- summary is appended to its month's as well. Filled from the fact rows by
-- the area file (oms.report_rebuild) on the first migrate after this one.
-- (Number 0030: 0020 was this part's; the numbers between were taken.)

SET LOCAL ROLE oms_owner;
SET LOCAL search_path = oms, pg_catalog;

CREATE TABLE oms.report_month (LIKE oms.report_day);
ALTER TABLE oms.report_month RENAME COLUMN day TO month;
CREATE INDEX report_month_idx ON oms.report_month (month, seller_id);

CREATE TABLE oms.report_cancel_month (LIKE oms.report_cancel_day);
ALTER TABLE oms.report_cancel_month RENAME COLUMN day TO month;
CREATE INDEX report_cancel_month_idx ON oms.report_cancel_month (month, seller_id);

CREATE TABLE oms.report_refund_month (LIKE oms.report_refund_day);
ALTER TABLE oms.report_refund_month RENAME COLUMN day TO month;
CREATE INDEX report_refund_month_idx ON oms.report_refund_month (month, seller_id);

REVOKE ALL ON oms.report_month, oms.report_cancel_month, oms.report_refund_month FROM PUBLIC;
GRANT SELECT ON oms.report_month, oms.report_cancel_month, oms.report_refund_month
	TO oms_admin, oms_analyst, oms_fulfilment;

DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['report_month', 'report_cancel_month', 'report_refund_month'] LOOP
		EXECUTE format('ALTER TABLE oms.%I ENABLE ROW LEVEL SECURITY', t);
		EXECUTE format('CREATE POLICY all_rows ON oms.%I FOR SELECT TO oms_admin, oms_analyst USING (true)', t);
		EXECUTE format('CREATE POLICY seller_rows ON oms.%I FOR SELECT TO oms_fulfilment '
		               'USING (seller_id = (SELECT oms.caller_seller_id()))', t);
	END LOOP;
END
$$;

-- 95_reports.sql rebuilds once when this is empty and there are orders
RESET ROLE;
RESET search_path;
