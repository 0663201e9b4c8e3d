-- 0020: report summaries (issue 10). Tables only; the functions that keep
-- them current, the triggers' functions and the reports live in
-- sql/functions/95_reports.sql, which creates the triggers too (a trigger
-- needs its function first).
--
-- Two levels, both exact by construction:
--
--   fact rows     one per order (report_order), cancellation (report_cancel)
--                 and refund (report_refund): what the reports need of that
--                 one object, recomputed from its base rows by triggers in
--                 the transaction that changes them;
--   summary rows  report_day, report_cancel_day, report_refund_day: sums
--                 of the fact rows per UTC day and key. When a fact row
--                 changes, its old values are appended with sign -1 and its
--                 new values with +1. Nobody ever UPDATEs a summary row, so
--                 concurrent writers never wait for one another here, at
--                 any isolation level; oms_api.report_fold() merges the
--                 rows of a key from time to time.
--
-- Days are UTC calendar days (the shop has no configured time zone).
-- No foreign keys: the demo generator's wipe truncates the base tables and
-- oms.report_rebuild() then fills these again.

SET LOCAL ROLE oms_owner;
SET LOCAL search_path = oms, pg_catalog;

CREATE TABLE oms.report_order (
	order_id       bigint PRIMARY KEY,
	seller_id      bigint NOT NULL,
	currency       char(3) NOT NULL,
	day            date NOT NULL,                  -- placed, UTC
	status         text NOT NULL,
	total_minor    bigint NOT NULL,
	confirmed      boolean NOT NULL,
	process_secs   numeric,                        -- placed -> confirmed
	shipped        boolean NOT NULL,
	ship_secs      numeric,                        -- confirmed -> shipped
	in_time        boolean NOT NULL,               -- shipped within 24 h of confirmation
	delivered      boolean NOT NULL,
	transit_secs   numeric,                        -- shipped -> delivered
	with_estimate  boolean NOT NULL,               -- delivered, and the shipment had an estimate
	on_time        boolean NOT NULL,               -- delivered on or before the estimate
	exception      boolean NOT NULL,               -- a delivery exception happened
	stuck          boolean NOT NULL,               -- a shipment is flagged stuck
	inaccurate     boolean NOT NULL                -- confirmed, then cancelled for stock or returned damaged
);
CREATE INDEX report_order_day_idx ON oms.report_order (day, seller_id);

CREATE TABLE oms.report_cancel (
	cancellation_id  bigint PRIMARY KEY,
	order_id         bigint NOT NULL,
	seller_id        bigint NOT NULL,
	day              date NOT NULL,                -- requested, UTC
	reason_code      text NOT NULL,
	requester_role   text NOT NULL,                -- the requester's staff role when recorded (kept)
	override         boolean NOT NULL,
	scope            text NOT NULL,
	state            text NOT NULL,
	units            bigint NOT NULL
);
CREATE INDEX report_cancel_day_idx ON oms.report_cancel (day, seller_id);

CREATE TABLE oms.report_refund (
	refund_id     bigint PRIMARY KEY,
	order_id      bigint NOT NULL,
	seller_id     bigint NOT NULL,
	currency      char(3) NOT NULL,
	day           date NOT NULL,                   -- requested (created_at), UTC
	approval      text NOT NULL,
	status        text NOT NULL,
	amount_minor  bigint NOT NULL,
	exec_secs     numeric                          -- request -> money returned (succeeded only)
);
CREATE INDEX report_refund_day_idx ON oms.report_refund (day, seller_id);
-- the percentiles of a period read only this
CREATE INDEX report_refund_exec_idx ON oms.report_refund (day, seller_id, currency, exec_secs)
	WHERE exec_secs IS NOT NULL;

CREATE TABLE oms.report_day (
	day            date NOT NULL,
	seller_id      bigint NOT NULL,
	currency       char(3) NOT NULL,
	status         text NOT NULL,
	orders         bigint NOT NULL,
	total_minor    bigint NOT NULL,
	confirmed      bigint NOT NULL,
	process_secs   numeric NOT NULL,
	shipped        bigint NOT NULL,
	ship_secs      numeric NOT NULL,
	in_time        bigint NOT NULL,
	delivered      bigint NOT NULL,
	transit_secs   numeric NOT NULL,
	with_estimate  bigint NOT NULL,
	on_time        bigint NOT NULL,
	exceptions     bigint NOT NULL,
	stuck          bigint NOT NULL,
	inaccurate     bigint NOT NULL
);
CREATE INDEX report_day_idx ON oms.report_day (day, seller_id);

CREATE TABLE oms.report_cancel_day (
	day          date NOT NULL,
	seller_id    bigint NOT NULL,
	reason_code  text NOT NULL,
	who          text NOT NULL,
	scope        text NOT NULL,
	state        text NOT NULL,
	n            bigint NOT NULL,
	units        bigint NOT NULL
);
CREATE INDEX report_cancel_day_idx2 ON oms.report_cancel_day (day, seller_id);

CREATE TABLE oms.report_refund_day (
	day           date NOT NULL,
	seller_id     bigint NOT NULL,
	currency      char(3) NOT NULL,
	approval      text NOT NULL,
	status        text NOT NULL,
	n             bigint NOT NULL,
	amount_minor  bigint NOT NULL,
	exec_n        bigint NOT NULL,
	exec_secs     numeric NOT NULL
);
CREATE INDEX report_refund_day_idx2 ON oms.report_refund_day (day, seller_id);

-- Who reads: administrators and analysts every row, fulfilment staff their
-- seller's rows (row-level security, as on the base tables); CSRs nothing.
-- The owner (triggers, fold, rebuild) is exempt.
REVOKE ALL ON oms.report_order, oms.report_cancel, oms.report_refund,
	oms.report_day, oms.report_cancel_day, oms.report_refund_day FROM PUBLIC;
GRANT SELECT ON oms.report_order, oms.report_cancel, oms.report_refund,
	oms.report_day, oms.report_cancel_day, oms.report_refund_day
	TO oms_admin, oms_analyst, oms_fulfilment;

DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['report_order', 'report_cancel', 'report_refund',
	                         'report_day', 'report_cancel_day', 'report_refund_day'] LOOP
		EXECUTE format('ALTER TABLE oms.%I ENABLE ROW LEVEL SECURITY', t);
		EXECUTE format('CREATE POLICY all_rows ON oms.%I FOR SELECT TO oms_admin, oms_analyst USING (true)', t);
		EXECUTE format('CREATE POLICY seller_rows ON oms.%I FOR SELECT TO oms_fulfilment '
		               'USING (seller_id = (SELECT oms.caller_seller_id()))', t);
	END LOOP;
END
$$;

-- The triggers: one function (a stub here; sql/functions/95_reports.sql
-- gives it its body) refreshes the fact rows of what changed.
CREATE FUNCTION oms.report_trg() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;

CREATE TRIGGER report_ins AFTER INSERT ON oms.orders
	FOR EACH ROW EXECUTE FUNCTION oms.report_trg();
CREATE TRIGGER report_upd AFTER UPDATE ON oms.orders FOR EACH ROW
	WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.placed_at IS DISTINCT FROM NEW.placed_at
	      OR OLD.confirmed_at IS DISTINCT FROM NEW.confirmed_at OR OLD.shipped_at IS DISTINCT FROM NEW.shipped_at
	      OR OLD.delivered_at IS DISTINCT FROM NEW.delivered_at OR OLD.total_minor IS DISTINCT FROM NEW.total_minor
	      OR OLD.seller_id IS DISTINCT FROM NEW.seller_id OR OLD.currency IS DISTINCT FROM NEW.currency)
	EXECUTE FUNCTION oms.report_trg();
CREATE TRIGGER report_chg AFTER INSERT OR UPDATE ON oms.shipment
	FOR EACH ROW EXECUTE FUNCTION oms.report_trg();
CREATE TRIGGER report_ins AFTER INSERT ON oms.shipment_event
	FOR EACH ROW WHEN (NEW.status IN ('failure', 'return_to_sender')) EXECUTE FUNCTION oms.report_trg();
CREATE TRIGGER report_chg AFTER INSERT OR UPDATE ON oms.cancellation
	FOR EACH ROW EXECUTE FUNCTION oms.report_trg();
CREATE TRIGGER report_chg AFTER INSERT OR UPDATE ON oms.cancellation_line
	FOR EACH ROW EXECUTE FUNCTION oms.report_trg();
CREATE TRIGGER report_chg AFTER INSERT OR UPDATE ON oms.refund
	FOR EACH ROW EXECUTE FUNCTION oms.report_trg();
CREATE TRIGGER report_chg AFTER INSERT OR UPDATE ON oms.return_item
	FOR EACH ROW EXECUTE FUNCTION oms.report_trg();

RESET ROLE;
RESET search_path;

-- The dashboard reads pg_stat_activity's transaction start of every
-- session; its SECURITY DEFINER function belongs to oms_owner.
DO $$
BEGIN
	IF pg_has_role(current_user, 'pg_read_all_stats', 'USAGE')
	   AND (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
		GRANT pg_read_all_stats TO oms_owner;
	END IF;
END
$$;
