-- sql/functions/95_reports.sql: The analysts' report views (schema oms_report, no PII).
--
-- The one definition of each function and view here, with its grants.
-- `oms migrate` re-applies this file (in one transaction, after the
-- numbered migrations) whenever its text changes: keep it re-appliable
-- (CREATE OR REPLACE; see sql/functions/README for a changed signature).

SET LOCAL search_path = oms, pg_catalog;
SET LOCAL ROLE oms_owner;

-- Orders placed per day, seller and current status.
CREATE OR REPLACE VIEW oms_report.daily_order_volume AS
SELECT (o.placed_at AT TIME ZONE 'UTC')::date AS day,
       o.seller_id,
       s.name AS seller_name,
       o.status,
       count(*) AS orders,
       sum(o.total_minor) AS total_minor,
       o.currency
FROM oms.orders o
JOIN oms.seller s ON s.id = o.seller_id
GROUP BY 1, 2, 3, 4, o.currency;
COMMENT ON VIEW oms_report.daily_order_volume IS 'orders placed per UTC day, seller and current status';
REVOKE ALL ON oms_report.daily_order_volume FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT SELECT ON oms_report.daily_order_volume TO oms_admin, oms_analyst;

-- Cancellations per day (of the request) and reason, against the orders
-- placed that day: rate = cancelled / placed.
CREATE OR REPLACE VIEW oms_report.cancellation_rates AS
WITH placed AS (
	SELECT (placed_at AT TIME ZONE 'UTC')::date AS day, count(*) AS orders
	FROM oms.orders GROUP BY 1
), cancelled AS (
	SELECT (c.requested_at AT TIME ZONE 'UTC')::date AS day, c.reason_code, c.scope, c.state,
	       count(*) AS cancellations
	FROM oms.cancellation c GROUP BY 1, 2, 3, 4
)
SELECT c.day, c.reason_code, r.label AS reason_label, c.scope, c.state, c.cancellations,
       coalesce(p.orders, 0) AS orders_placed,
       round(c.cancellations::numeric / nullif(p.orders, 0), 4) AS rate
FROM cancelled c
JOIN oms.cancellation_reason r ON r.code = c.reason_code
LEFT JOIN placed p ON p.day = c.day;
COMMENT ON VIEW oms_report.cancellation_rates IS 'cancellations per UTC day and reason vs orders placed that day';
REVOKE ALL ON oms_report.cancellation_rates FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT SELECT ON oms_report.cancellation_rates TO oms_admin, oms_analyst;

-- Fulfilment times per day of placement and seller: placed -> confirmed,
-- confirmed -> shipped, shipped -> delivered, in hours.
CREATE OR REPLACE VIEW oms_report.fulfilment_times AS
SELECT (o.placed_at AT TIME ZONE 'UTC')::date AS day,
       o.seller_id,
       s.name AS seller_name,
       count(*) AS orders,
       count(o.shipped_at) AS shipped,
       count(o.delivered_at) AS delivered,
       round(avg(extract(epoch FROM o.confirmed_at - o.placed_at)) / 3600, 2) AS avg_hours_to_confirm,
       round(avg(extract(epoch FROM o.shipped_at - o.confirmed_at)) / 3600, 2) AS avg_hours_to_ship,
       round((percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM o.shipped_at - o.confirmed_at)) / 3600)::numeric, 2)
           AS p90_hours_to_ship,
       round(avg(extract(epoch FROM o.delivered_at - o.shipped_at)) / 3600, 2) AS avg_hours_in_transit,
       count(*) FILTER (WHERE sh.flagged) AS flagged_shipments
FROM oms.orders o
JOIN oms.seller s ON s.id = o.seller_id
LEFT JOIN LATERAL (SELECT bool_or(flagged) AS flagged FROM oms.shipment WHERE order_id = o.id) sh ON true
WHERE o.status <> 'CANCELLED'
GROUP BY 1, 2, 3;
COMMENT ON VIEW oms_report.fulfilment_times IS 'hours from placement to confirmation, shipping and delivery';
REVOKE ALL ON oms_report.fulfilment_times FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT SELECT ON oms_report.fulfilment_times TO oms_admin, oms_analyst;

-- Refunds per day of request: granted vs executed.
CREATE OR REPLACE VIEW oms_report.refunds AS
SELECT (r.created_at AT TIME ZONE 'UTC')::date AS day,
       o.seller_id,
       r.approval,
       r.status,
       (r.cancellation_id IS NOT NULL) AS from_cancellation,
       count(*) AS refunds,
       sum(r.amount_minor) AS amount_minor,
       r.currency,
       round(avg(extract(epoch FROM r.executed_at - r.created_at)) / 3600, 2) AS avg_hours_to_execute
FROM oms.refund r
JOIN oms.orders o ON o.id = r.order_id
GROUP BY 1, 2, 3, 4, 5, r.currency;
COMMENT ON VIEW oms_report.refunds IS 'refunds per UTC day: approval (granted) and gateway status (executed)';
REVOKE ALL ON oms_report.refunds FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT SELECT ON oms_report.refunds TO oms_admin, oms_analyst;

-- Order status counts right now (dashboards).
CREATE OR REPLACE VIEW oms_report.status_now AS
SELECT o.status, o.seller_id, count(*) AS orders
FROM oms.orders o
GROUP BY 1, 2;
COMMENT ON VIEW oms_report.status_now IS 'current number of orders per status and seller';
REVOKE ALL ON oms_report.status_now FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT SELECT ON oms_report.status_now TO oms_admin, oms_analyst;


-- ===========================================================================
-- Report summaries (issue 10; tables in sql/0020_report_summaries.sql).
--
-- What each fact row holds is defined once, by the *_live views below (a
-- recompute from the base tables). The triggers recompute one object's fact
-- row from its view and append the difference to the summaries; rebuild
-- fills everything from the views; verify compares all three.

-- One order's figures. Days are UTC. Column order = oms.report_order.
CREATE OR REPLACE VIEW oms.report_order_live AS
SELECT o.id AS order_id, o.seller_id, o.currency,
       (o.placed_at AT TIME ZONE 'UTC')::date AS day,
       o.status, o.total_minor,
       o.confirmed_at IS NOT NULL AS confirmed,
       extract(epoch FROM o.confirmed_at - o.placed_at) AS process_secs,
       o.shipped_at IS NOT NULL AS shipped,
       extract(epoch FROM o.shipped_at - o.confirmed_at) AS ship_secs,
       coalesce(o.shipped_at - o.confirmed_at <= interval '24 hours', false) AS in_time,
       o.delivered_at IS NOT NULL AS delivered,
       extract(epoch FROM o.delivered_at - o.shipped_at) AS transit_secs,
       (o.delivered_at IS NOT NULL AND est.estimated_delivery IS NOT NULL) AS with_estimate,
       coalesce((o.delivered_at AT TIME ZONE 'UTC')::date <= est.estimated_delivery, false) AS on_time,
       (o.status = 'DELIVERY_EXCEPTION'
        OR EXISTS (SELECT 1 FROM oms.shipment s JOIN oms.shipment_event e ON e.shipment_id = s.id
                   WHERE s.order_id = o.id AND e.status IN ('failure', 'return_to_sender'))) AS exception,
       EXISTS (SELECT 1 FROM oms.shipment s WHERE s.order_id = o.id AND s.flagged) AS stuck,
       (o.confirmed_at IS NOT NULL
        AND (EXISTS (SELECT 1 FROM oms.cancellation c
                     WHERE c.order_id = o.id AND c.reason_code = 'out_of_stock' AND c.state = 'done')
             OR EXISTS (SELECT 1 FROM oms.return_request rr JOIN oms.return_item ri ON ri.return_id = rr.id
                        WHERE rr.order_id = o.id AND ri.condition IN ('damaged', 'defective')))) AS inaccurate
FROM oms.orders o
LEFT JOIN LATERAL (SELECT s.estimated_delivery FROM oms.shipment s WHERE s.order_id = o.id
                   ORDER BY s.shipped_at DESC, s.id DESC LIMIT 1) est ON true;
COMMENT ON VIEW oms.report_order_live IS 'an order''s report figures recomputed from the base tables (oms.report_order keeps them)';
REVOKE ALL ON oms.report_order_live FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- One cancellation's figures. requester_role is the staff role the
-- requester had when the cancellation was recorded (oms.cancellation_requester,
-- sql/0031, written by the trigger below), never their role now: a CSR
-- made administrator later still cancelled as a CSR. (Only a cancellation
-- loaded with the triggers off and not yet rebuilt has no row there: the
-- role now, which oms.report_rebuild then freezes.)
CREATE OR REPLACE VIEW oms.report_cancel_live AS
SELECT c.id AS cancellation_id, c.order_id, o.seller_id,
       (c.requested_at AT TIME ZONE 'UTC')::date AS day,
       c.reason_code,
       coalesce((SELECT q.role FROM oms.cancellation_requester q WHERE q.cancellation_id = c.id),
                (SELECT s.role FROM oms.staff s WHERE s.login = c.requested_by), 'other') AS requester_role,
       c.override_reason IS NOT NULL AS override,
       c.scope, c.state,
       coalesce((SELECT sum(cl.qty) FROM oms.cancellation_line cl WHERE cl.cancellation_id = c.id), 0)::bigint AS units
FROM oms.cancellation c
JOIN oms.orders o ON o.id = c.order_id;
COMMENT ON VIEW oms.report_cancel_live IS 'a cancellation''s report figures recomputed from the base tables';
REVOKE ALL ON oms.report_cancel_live FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- One refund's figures.
CREATE OR REPLACE VIEW oms.report_refund_live AS
SELECT r.id AS refund_id, r.order_id, o.seller_id, r.currency,
       (r.created_at AT TIME ZONE 'UTC')::date AS day,
       r.approval, r.status, r.amount_minor,
       CASE WHEN r.status = 'succeeded' THEN extract(epoch FROM r.executed_at - r.created_at) END AS exec_secs
FROM oms.refund r
JOIN oms.orders o ON o.id = r.order_id;
COMMENT ON VIEW oms.report_refund_live IS 'a refund''s report figures recomputed from the base tables';
REVOKE ALL ON oms.report_refund_live FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- Who asked, as the cancellations report names it.
CREATE OR REPLACE FUNCTION oms.report_who(p_role text, p_override boolean) RETURNS text
LANGUAGE sql IMMUTABLE
RETURN CASE WHEN p_override THEN 'admin_override' ELSE p_role END;
REVOKE ALL ON FUNCTION oms.report_who(text,boolean) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- Append a fact row's contribution (p_sign +1 or -1) to its summary.
-- PL/pgSQL, not SQL: a void SQL function is never inlined and its
-- statements were planned again on every call (issue 11); these keep
-- their plans for the session.
CREATE OR REPLACE FUNCTION oms.report_day_add(f oms.report_order, p_sign int) RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
	INSERT INTO oms.report_day VALUES (f.day, f.seller_id, f.currency, f.status, p_sign, p_sign * f.total_minor,
		p_sign * f.confirmed::int, p_sign * coalesce(f.process_secs, 0),
		p_sign * f.shipped::int, p_sign * coalesce(f.ship_secs, 0), p_sign * f.in_time::int,
		p_sign * f.delivered::int, p_sign * coalesce(f.transit_secs, 0),
		p_sign * f.with_estimate::int, p_sign * f.on_time::int, p_sign * f.exception::int,
		p_sign * f.stuck::int, p_sign * f.inaccurate::int);
	INSERT INTO oms.report_month SELECT (date_trunc('month', d.day::timestamp))::date, d.seller_id, d.currency, d.status,
		d.orders, d.total_minor, d.confirmed, d.process_secs, d.shipped, d.ship_secs, d.in_time, d.delivered,
		d.transit_secs, d.with_estimate, d.on_time, d.exceptions, d.stuck, d.inaccurate
	FROM (VALUES (f.day, f.seller_id, f.currency, f.status, p_sign, p_sign * f.total_minor,
		p_sign * f.confirmed::int, p_sign * coalesce(f.process_secs, 0),
		p_sign * f.shipped::int, p_sign * coalesce(f.ship_secs, 0), p_sign * f.in_time::int,
		p_sign * f.delivered::int, p_sign * coalesce(f.transit_secs, 0),
		p_sign * f.with_estimate::int, p_sign * f.on_time::int, p_sign * f.exception::int,
		p_sign * f.stuck::int, p_sign * f.inaccurate::int))
		AS d(day, seller_id, currency, status, orders, total_minor, confirmed, process_secs, shipped, ship_secs,
		     in_time, delivered, transit_secs, with_estimate, on_time, exceptions, stuck, inaccurate);
END
$$;
REVOKE ALL ON FUNCTION oms.report_day_add(oms.report_order,int) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

CREATE OR REPLACE FUNCTION oms.report_cancel_add(f oms.report_cancel, p_sign int) RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
	INSERT INTO oms.report_cancel_day VALUES (f.day, f.seller_id, f.reason_code,
		oms.report_who(f.requester_role, f.override), f.scope, f.state, p_sign, p_sign * f.units);
	INSERT INTO oms.report_cancel_month VALUES ((date_trunc('month', f.day::timestamp))::date, f.seller_id, f.reason_code,
		oms.report_who(f.requester_role, f.override), f.scope, f.state, p_sign, p_sign * f.units);
END
$$;
REVOKE ALL ON FUNCTION oms.report_cancel_add(oms.report_cancel,int) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

CREATE OR REPLACE FUNCTION oms.report_refund_add(f oms.report_refund, p_sign int) RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
	INSERT INTO oms.report_refund_day VALUES (f.day, f.seller_id, f.currency, f.approval, f.status,
		p_sign, p_sign * f.amount_minor, p_sign * (f.exec_secs IS NOT NULL)::int, p_sign * coalesce(f.exec_secs, 0));
	INSERT INTO oms.report_refund_month VALUES ((date_trunc('month', f.day::timestamp))::date, f.seller_id, f.currency,
		f.approval, f.status, p_sign, p_sign * f.amount_minor, p_sign * (f.exec_secs IS NOT NULL)::int,
		p_sign * coalesce(f.exec_secs, 0));
END
$$;
REVOKE ALL ON FUNCTION oms.report_refund_add(oms.report_refund,int) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- Recompute one order's fact row; if it changed, append -old and +new to
-- the summary. The fact row is locked first (FOR UPDATE), so at READ
-- COMMITTED the recompute, a later statement, sees every transaction that
-- changed the order before; an unchanged fact row is still written, so a
-- REPEATABLE READ or SERIALIZABLE transaction that recomputed from an older
-- snapshot fails with 40001 instead of writing a stale fact (in practice
-- lock_order has already serialised the two).
CREATE OR REPLACE FUNCTION oms.report_order_refresh(p_order_id bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_old oms.report_order;
	v_new oms.report_order;
BEGIN
	IF p_order_id IS NULL THEN
		RETURN;
	END IF;
	SELECT * INTO v_old FROM oms.report_order WHERE order_id = p_order_id FOR UPDATE;
	SELECT * INTO v_new FROM oms.report_order_live WHERE order_id = p_order_id;
	IF v_old.order_id IS NOT NULL THEN
		IF v_old IS NOT DISTINCT FROM v_new THEN
			UPDATE oms.report_order SET order_id = order_id WHERE order_id = p_order_id;
			RETURN;
		END IF;
		PERFORM oms.report_day_add(v_old, -1);
		DELETE FROM oms.report_order WHERE order_id = p_order_id;
	END IF;
	IF v_new.order_id IS NOT NULL THEN
		PERFORM oms.report_day_add(v_new, 1);
		INSERT INTO oms.report_order SELECT v_new.*;
	END IF;
END
$$;
REVOKE ALL ON FUNCTION oms.report_order_refresh(bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

CREATE OR REPLACE FUNCTION oms.report_cancel_refresh(p_id bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_old oms.report_cancel;
	v_new oms.report_cancel;
BEGIN
	SELECT * INTO v_old FROM oms.report_cancel WHERE cancellation_id = p_id FOR UPDATE;
	SELECT * INTO v_new FROM oms.report_cancel_live WHERE cancellation_id = p_id;
	IF v_old.cancellation_id IS NOT NULL THEN
		IF v_old IS NOT DISTINCT FROM v_new THEN
			UPDATE oms.report_cancel SET cancellation_id = cancellation_id WHERE cancellation_id = p_id;
			RETURN;
		END IF;
		PERFORM oms.report_cancel_add(v_old, -1);
		DELETE FROM oms.report_cancel WHERE cancellation_id = p_id;
	END IF;
	IF v_new.cancellation_id IS NOT NULL THEN
		PERFORM oms.report_cancel_add(v_new, 1);
		INSERT INTO oms.report_cancel SELECT v_new.*;
	END IF;
END
$$;
REVOKE ALL ON FUNCTION oms.report_cancel_refresh(bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

CREATE OR REPLACE FUNCTION oms.report_refund_refresh(p_id bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_old oms.report_refund;
	v_new oms.report_refund;
BEGIN
	SELECT * INTO v_old FROM oms.report_refund WHERE refund_id = p_id FOR UPDATE;
	SELECT * INTO v_new FROM oms.report_refund_live WHERE refund_id = p_id;
	IF v_old.refund_id IS NOT NULL THEN
		IF v_old IS NOT DISTINCT FROM v_new THEN
			UPDATE oms.report_refund SET refund_id = refund_id WHERE refund_id = p_id;
			RETURN;
		END IF;
		PERFORM oms.report_refund_add(v_old, -1);
		DELETE FROM oms.report_refund WHERE refund_id = p_id;
	END IF;
	IF v_new.refund_id IS NOT NULL THEN
		PERFORM oms.report_refund_add(v_new, 1);
		INSERT INTO oms.report_refund SELECT v_new.*;
	END IF;
END
$$;
REVOKE ALL ON FUNCTION oms.report_refund_refresh(bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- The one trigger function (triggers: sql/0020_report_summaries.sql): what
-- changed names the fact rows to recompute.
CREATE OR REPLACE FUNCTION oms.report_trg() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
BEGIN
	CASE TG_TABLE_NAME
	WHEN 'orders' THEN
		PERFORM oms.report_order_refresh(NEW.id);
	WHEN 'shipment' THEN
		-- an order's figures read only these of its shipments (a scan's
		-- status and time do not count: shipment_event has its own trigger);
		-- an update leaving them as they were changes no fact row (issue 11)
		IF TG_OP = 'UPDATE' AND OLD.id = NEW.id AND OLD.order_id = NEW.order_id
		   AND OLD.flagged IS NOT DISTINCT FROM NEW.flagged
		   AND OLD.estimated_delivery IS NOT DISTINCT FROM NEW.estimated_delivery
		   AND OLD.shipped_at IS NOT DISTINCT FROM NEW.shipped_at THEN
			RETURN NULL;
		END IF;
		PERFORM oms.report_order_refresh(NEW.order_id);
	WHEN 'shipment_event' THEN
		PERFORM oms.report_order_refresh((SELECT s.order_id FROM oms.shipment s WHERE s.id = NEW.shipment_id));
	WHEN 'cancellation' THEN
		IF TG_OP = 'INSERT' THEN
			-- who asked, as they are now: kept, whatever becomes of their role
			INSERT INTO oms.cancellation_requester (cancellation_id, role)
			VALUES (NEW.id, coalesce((SELECT s.role FROM oms.staff s WHERE s.login = NEW.requested_by), 'other'))
			ON CONFLICT (cancellation_id) DO NOTHING;
		END IF;
		PERFORM oms.report_cancel_refresh(NEW.id);
		PERFORM oms.report_order_refresh(NEW.order_id);      -- order accuracy
	WHEN 'cancellation_line' THEN
		PERFORM oms.report_cancel_refresh(NEW.cancellation_id);
	WHEN 'refund' THEN
		PERFORM oms.report_refund_refresh(NEW.id);
	WHEN 'return_item' THEN
		PERFORM oms.report_order_refresh((SELECT r.order_id FROM oms.return_request r WHERE r.id = NEW.return_id));
	END CASE;
	RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION oms.report_trg() FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- Everything again from the base tables (after a bulk load that skipped
-- the triggers: the demo generator, the migration's backfill). Locks the
-- summaries against the triggers meanwhile.
CREATE OR REPLACE FUNCTION oms.report_rebuild() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
BEGIN
	LOCK TABLE oms.report_order, oms.report_cancel, oms.report_refund,
		oms.report_day, oms.report_cancel_day, oms.report_refund_day,
		oms.report_month, oms.report_cancel_month, oms.report_refund_month IN EXCLUSIVE MODE;
	TRUNCATE oms.report_order, oms.report_cancel, oms.report_refund,
		oms.report_day, oms.report_cancel_day, oms.report_refund_day,
		oms.report_month, oms.report_cancel_month, oms.report_refund_month;
	-- cancellations loaded with the triggers off: their requester's role
	-- now is frozen (the others keep the role of their time)
	INSERT INTO oms.cancellation_requester (cancellation_id, role)
	SELECT c.id, coalesce(s.role, 'other')
	FROM oms.cancellation c LEFT JOIN oms.staff s ON s.login = c.requested_by
	WHERE NOT EXISTS (SELECT 1 FROM oms.cancellation_requester q WHERE q.cancellation_id = c.id);
	INSERT INTO oms.report_order SELECT * FROM oms.report_order_live;
	INSERT INTO oms.report_cancel SELECT * FROM oms.report_cancel_live;
	INSERT INTO oms.report_refund SELECT * FROM oms.report_refund_live;
	INSERT INTO oms.report_day
	SELECT day, seller_id, currency, status, count(*), sum(total_minor), count(*) FILTER (WHERE confirmed),
	       coalesce(sum(process_secs), 0), count(*) FILTER (WHERE shipped), coalesce(sum(ship_secs), 0),
	       count(*) FILTER (WHERE in_time), count(*) FILTER (WHERE delivered), coalesce(sum(transit_secs), 0),
	       count(*) FILTER (WHERE with_estimate), count(*) FILTER (WHERE on_time),
	       count(*) FILTER (WHERE exception), count(*) FILTER (WHERE stuck), count(*) FILTER (WHERE inaccurate)
	FROM oms.report_order GROUP BY day, seller_id, currency, status;
	INSERT INTO oms.report_cancel_day
	SELECT day, seller_id, reason_code, oms.report_who(requester_role, override), scope, state, count(*), sum(units)
	FROM oms.report_cancel GROUP BY 1, 2, 3, 4, 5, 6;
	INSERT INTO oms.report_refund_day
	SELECT day, seller_id, currency, approval, status, count(*), sum(amount_minor),
	       count(exec_secs), coalesce(sum(exec_secs), 0)
	FROM oms.report_refund GROUP BY 1, 2, 3, 4, 5;
	INSERT INTO oms.report_month
	SELECT (date_trunc('month', day::timestamp))::date, seller_id, currency, status, sum(orders), sum(total_minor),
	       sum(confirmed), sum(process_secs), sum(shipped), sum(ship_secs), sum(in_time), sum(delivered),
	       sum(transit_secs), sum(with_estimate), sum(on_time), sum(exceptions), sum(stuck), sum(inaccurate)
	FROM oms.report_day GROUP BY 1, 2, 3, 4;
	INSERT INTO oms.report_cancel_month
	SELECT (date_trunc('month', day::timestamp))::date, seller_id, reason_code, who, scope, state, sum(n), sum(units)
	FROM oms.report_cancel_day GROUP BY 1, 2, 3, 4, 5, 6;
	INSERT INTO oms.report_refund_month
	SELECT (date_trunc('month', day::timestamp))::date, seller_id, currency, approval, status, sum(n), sum(amount_minor),
	       sum(exec_n), sum(exec_secs)
	FROM oms.report_refund_day GROUP BY 1, 2, 3, 4, 5;
	ANALYZE oms.report_order, oms.report_cancel, oms.report_refund,
		oms.report_day, oms.report_cancel_day, oms.report_refund_day,
		oms.report_month, oms.report_cancel_month, oms.report_refund_month;
END
$$;
REVOKE ALL ON FUNCTION oms.report_rebuild() FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- Merge the delta rows of each summary key into one row (keys whose rows
-- sum to no object at all go). Readers see the rows before or after, both
-- exact; writers only ever insert, so they never wait for the fold. One
-- fold at a time (advisory lock). Returns the rows removed.
CREATE OR REPLACE FUNCTION oms_api.report_fold() RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp SET lock_timeout = '2s'
AS $$
DECLARE
	v_role constant text := oms.caller_role();
	v_del bigint;
	v_ins bigint;
	v_total bigint := 0;
	t record;
BEGIN
	IF v_role IS NULL OR v_role NOT IN ('admin', 'worker') THEN
		RAISE EXCEPTION 'report_fold is for administrators and the worker' USING ERRCODE = '42501',
			DETAIL = jsonb_build_object('rule', 'role', 'role', v_role)::text;
	END IF;
	PERFORM pg_advisory_xact_lock(hashtext('oms.report_fold'));
	-- each summary: its table, its key columns, its sums, the count column
	FOR t IN SELECT * FROM (VALUES
		('report_day', 'day, seller_id, currency, status',
		 'sum(orders), sum(total_minor), sum(confirmed), sum(process_secs), sum(shipped), sum(ship_secs), '
		 'sum(in_time), sum(delivered), sum(transit_secs), sum(with_estimate), sum(on_time), sum(exceptions), '
		 'sum(stuck), sum(inaccurate)', 'orders'),
		('report_month', 'month, seller_id, currency, status',
		 'sum(orders), sum(total_minor), sum(confirmed), sum(process_secs), sum(shipped), sum(ship_secs), '
		 'sum(in_time), sum(delivered), sum(transit_secs), sum(with_estimate), sum(on_time), sum(exceptions), '
		 'sum(stuck), sum(inaccurate)', 'orders'),
		('report_cancel_day', 'day, seller_id, reason_code, who, scope, state', 'sum(n), sum(units)', 'n'),
		('report_cancel_month', 'month, seller_id, reason_code, who, scope, state', 'sum(n), sum(units)', 'n'),
		('report_refund_day', 'day, seller_id, currency, approval, status',
		 'sum(n), sum(amount_minor), sum(exec_n), sum(exec_secs)', 'n'),
		('report_refund_month', 'month, seller_id, currency, approval, status',
		 'sum(n), sum(amount_minor), sum(exec_n), sum(exec_secs)', 'n')) v(tab, keys, sums, cnt)
	LOOP
		EXECUTE format($q$
			WITH k AS (SELECT %2$s FROM oms.%1$I GROUP BY %2$s HAVING count(*) > 1),
			d AS (DELETE FROM oms.%1$I t USING k WHERE (%3$s) = (%4$s) RETURNING t.*),
			i AS (INSERT INTO oms.%1$I SELECT %2$s, %5$s FROM d GROUP BY %2$s HAVING sum(%6$I) <> 0 RETURNING 1)
			SELECT (SELECT count(*) FROM d), (SELECT count(*) FROM i)$q$,
			t.tab, t.keys,
			(SELECT string_agg('t.' || btrim(c), ', ') FROM unnest(string_to_array(t.keys, ',')) c),
			(SELECT string_agg('k.' || btrim(c), ', ') FROM unnest(string_to_array(t.keys, ',')) c),
			t.sums, t.cnt)
		INTO v_del, v_ins;
		v_total := v_total + v_del - v_ins;
	END LOOP;
	RETURN v_total;
END
$$;
REVOKE ALL ON FUNCTION oms_api.report_fold() FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.report_fold() TO oms_admin, oms_worker;

-- Every difference between the stored facts and summaries and a full
-- recompute from the base tables; no row = exact. A full scan: for tests
-- and audits. (A cancellation's requester_role is the role of its time on
-- both sides, oms.cancellation_requester: a later change of the
-- requester's role is no difference.)
CREATE OR REPLACE FUNCTION oms_api.report_verify()
RETURNS TABLE (summary text, key text, stored text, recomputed text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
BEGIN
	IF oms.caller_role() IS DISTINCT FROM 'admin' THEN
		RAISE EXCEPTION 'report_verify is for administrators' USING ERRCODE = '42501',
			DETAIL = jsonb_build_object('rule', 'role', 'role', oms.caller_role())::text;
	END IF;
	RETURN QUERY
	SELECT 'report_order', coalesce(a.order_id, b.order_id)::text, to_jsonb(a)::text, to_jsonb(b)::text
	FROM oms.report_order a FULL JOIN oms.report_order_live b ON a.order_id = b.order_id
	WHERE a IS DISTINCT FROM b;
	RETURN QUERY
	SELECT 'report_cancel', coalesce(a.cancellation_id, b.cancellation_id)::text, to_jsonb(a)::text, to_jsonb(b)::text
	FROM oms.report_cancel a FULL JOIN oms.report_cancel_live b ON a.cancellation_id = b.cancellation_id
	WHERE a IS DISTINCT FROM b;
	RETURN QUERY
	SELECT 'report_refund', coalesce(a.refund_id, b.refund_id)::text, to_jsonb(a)::text, to_jsonb(b)::text
	FROM oms.report_refund a FULL JOIN oms.report_refund_live b ON a.refund_id = b.refund_id
	WHERE a IS DISTINCT FROM b;
	RETURN QUERY
	WITH s AS (SELECT d.day, d.seller_id, d.currency, d.status,
	                  jsonb_build_array(sum(d.orders), sum(d.total_minor), sum(d.confirmed), sum(d.process_secs),
	                      sum(d.shipped), sum(d.ship_secs), sum(d.in_time), sum(d.delivered), sum(d.transit_secs),
	                      sum(d.with_estimate), sum(d.on_time), sum(d.exceptions), sum(d.stuck), sum(d.inaccurate)) AS v
	           FROM oms.report_day d GROUP BY 1, 2, 3, 4 HAVING sum(d.orders) <> 0 OR sum(d.total_minor) <> 0),
	r AS (SELECT f.day, f.seller_id, f.currency, f.status,
	             jsonb_build_array(count(*), sum(f.total_minor), count(*) FILTER (WHERE f.confirmed),
	                 coalesce(sum(f.process_secs), 0), count(*) FILTER (WHERE f.shipped), coalesce(sum(f.ship_secs), 0),
	                 count(*) FILTER (WHERE f.in_time), count(*) FILTER (WHERE f.delivered),
	                 coalesce(sum(f.transit_secs), 0), count(*) FILTER (WHERE f.with_estimate),
	                 count(*) FILTER (WHERE f.on_time), count(*) FILTER (WHERE f.exception),
	                 count(*) FILTER (WHERE f.stuck), count(*) FILTER (WHERE f.inaccurate)) AS v
	      FROM oms.report_order_live f GROUP BY 1, 2, 3, 4)
	SELECT 'report_day', jsonb_build_array(coalesce(s.day, r.day), coalesce(s.seller_id, r.seller_id),
	                                       coalesce(s.currency, r.currency), coalesce(s.status, r.status))::text,
	       s.v::text, r.v::text
	FROM s FULL JOIN r ON (s.day, s.seller_id, s.currency, s.status) = (r.day, r.seller_id, r.currency, r.status)
	WHERE s.v IS DISTINCT FROM r.v;
	RETURN QUERY
	WITH s AS (SELECT d.day, d.seller_id, d.reason_code, d.who, d.scope, d.state,
	                  jsonb_build_array(sum(d.n), sum(d.units)) AS v
	           FROM oms.report_cancel_day d GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(d.n) <> 0 OR sum(d.units) <> 0),
	r AS (SELECT f.day, f.seller_id, f.reason_code, oms.report_who(f.requester_role, f.override) AS who, f.scope, f.state,
	             jsonb_build_array(count(*), sum(f.units)) AS v
	      FROM oms.report_cancel_live f GROUP BY 1, 2, 3, 4, 5, 6)
	SELECT 'report_cancel_day', jsonb_build_array(coalesce(s.day, r.day), coalesce(s.seller_id, r.seller_id),
	           coalesce(s.reason_code, r.reason_code), coalesce(s.who, r.who), coalesce(s.scope, r.scope),
	           coalesce(s.state, r.state))::text, s.v::text, r.v::text
	FROM s FULL JOIN r ON (s.day, s.seller_id, s.reason_code, s.who, s.scope, s.state)
	                      = (r.day, r.seller_id, r.reason_code, r.who, r.scope, r.state)
	WHERE s.v IS DISTINCT FROM r.v;
	RETURN QUERY
	WITH s AS (SELECT d.day, d.seller_id, d.currency, d.approval, d.status,
	                  jsonb_build_array(sum(d.n), sum(d.amount_minor), sum(d.exec_n), sum(d.exec_secs)) AS v
	           FROM oms.report_refund_day d GROUP BY 1, 2, 3, 4, 5 HAVING sum(d.n) <> 0 OR sum(d.amount_minor) <> 0),
	r AS (SELECT f.day, f.seller_id, f.currency, f.approval, f.status,
	             jsonb_build_array(count(*), sum(f.amount_minor), count(f.exec_secs), coalesce(sum(f.exec_secs), 0)) AS v
	      FROM oms.report_refund_live f GROUP BY 1, 2, 3, 4, 5)
	SELECT 'report_refund_day', jsonb_build_array(coalesce(s.day, r.day), coalesce(s.seller_id, r.seller_id),
	           coalesce(s.currency, r.currency), coalesce(s.approval, r.approval), coalesce(s.status, r.status))::text,
	       s.v::text, r.v::text
	FROM s FULL JOIN r ON (s.day, s.seller_id, s.currency, s.approval, s.status)
	                      = (r.day, r.seller_id, r.currency, r.approval, r.status)
	WHERE s.v IS DISTINCT FROM r.v;
	-- the months equal the sums of their days (the days were checked above)
	RETURN QUERY
	WITH s AS (SELECT m.month, m.seller_id, m.currency, m.status,
	                  jsonb_build_array(sum(m.orders), sum(m.total_minor), sum(m.confirmed), sum(m.process_secs),
	                      sum(m.shipped), sum(m.ship_secs), sum(m.in_time), sum(m.delivered), sum(m.transit_secs),
	                      sum(m.with_estimate), sum(m.on_time), sum(m.exceptions), sum(m.stuck), sum(m.inaccurate)) AS v
	           FROM oms.report_month m GROUP BY 1, 2, 3, 4 HAVING sum(m.orders) <> 0 OR sum(m.total_minor) <> 0),
	r AS (SELECT date_trunc('month', d.day::timestamp)::date AS month, d.seller_id, d.currency, d.status,
	             jsonb_build_array(sum(d.orders), sum(d.total_minor), sum(d.confirmed), sum(d.process_secs),
	                 sum(d.shipped), sum(d.ship_secs), sum(d.in_time), sum(d.delivered), sum(d.transit_secs),
	                 sum(d.with_estimate), sum(d.on_time), sum(d.exceptions), sum(d.stuck), sum(d.inaccurate)) AS v
	      FROM oms.report_day d GROUP BY 1, 2, 3, 4 HAVING sum(d.orders) <> 0 OR sum(d.total_minor) <> 0)
	SELECT 'report_month', jsonb_build_array(coalesce(s.month, r.month), coalesce(s.seller_id, r.seller_id),
	                                         coalesce(s.currency, r.currency), coalesce(s.status, r.status))::text,
	       s.v::text, r.v::text
	FROM s FULL JOIN r ON (s.month, s.seller_id, s.currency, s.status) = (r.month, r.seller_id, r.currency, r.status)
	WHERE s.v IS DISTINCT FROM r.v;
	RETURN QUERY
	WITH s AS (SELECT m.month, m.seller_id, m.reason_code, m.who, m.scope, m.state,
	                  jsonb_build_array(sum(m.n), sum(m.units)) AS v
	           FROM oms.report_cancel_month m GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(m.n) <> 0 OR sum(m.units) <> 0),
	r AS (SELECT date_trunc('month', d.day::timestamp)::date AS month, d.seller_id, d.reason_code, d.who, d.scope, d.state,
	             jsonb_build_array(sum(d.n), sum(d.units)) AS v
	      FROM oms.report_cancel_day d GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(d.n) <> 0 OR sum(d.units) <> 0)
	SELECT 'report_cancel_month', jsonb_build_array(coalesce(s.month, r.month), coalesce(s.seller_id, r.seller_id),
	           coalesce(s.reason_code, r.reason_code), coalesce(s.who, r.who), coalesce(s.scope, r.scope),
	           coalesce(s.state, r.state))::text, s.v::text, r.v::text
	FROM s FULL JOIN r ON (s.month, s.seller_id, s.reason_code, s.who, s.scope, s.state)
	                      = (r.month, r.seller_id, r.reason_code, r.who, r.scope, r.state)
	WHERE s.v IS DISTINCT FROM r.v;
	RETURN QUERY
	WITH s AS (SELECT m.month, m.seller_id, m.currency, m.approval, m.status,
	                  jsonb_build_array(sum(m.n), sum(m.amount_minor), sum(m.exec_n), sum(m.exec_secs)) AS v
	           FROM oms.report_refund_month m GROUP BY 1, 2, 3, 4, 5 HAVING sum(m.n) <> 0 OR sum(m.amount_minor) <> 0),
	r AS (SELECT date_trunc('month', d.day::timestamp)::date AS month, d.seller_id, d.currency, d.approval, d.status,
	             jsonb_build_array(sum(d.n), sum(d.amount_minor), sum(d.exec_n), sum(d.exec_secs)) AS v
	      FROM oms.report_refund_day d GROUP BY 1, 2, 3, 4, 5 HAVING sum(d.n) <> 0 OR sum(d.amount_minor) <> 0)
	SELECT 'report_refund_month', jsonb_build_array(coalesce(s.month, r.month), coalesce(s.seller_id, r.seller_id),
	           coalesce(s.currency, r.currency), coalesce(s.approval, r.approval), coalesce(s.status, r.status))::text,
	       s.v::text, r.v::text
	FROM s FULL JOIN r ON (s.month, s.seller_id, s.currency, s.approval, s.status)
	                      = (r.month, r.seller_id, r.currency, r.approval, r.status)
	WHERE s.v IS DISTINCT FROM r.v;
END
$$;
REVOKE ALL ON FUNCTION oms_api.report_verify() FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.report_verify() TO oms_admin;

-- ---------------------------------------------------------------------------
-- The reports (oms report NAME, the report screen). SECURITY INVOKER: they
-- read the summaries, whose row-level security gives fulfilment staff their
-- seller's rows only; CSRs may not run them. Planned for each call's
-- range and grouping (plan_cache_mode = force_custom_plan: after five calls
-- PL/pgSQL's generic plan, blind to the grouping and to whether the
-- refunds' percentiles walk the index, took 170 ms for refunds over all
-- time instead of 35, and kpi 30 instead of 9).

-- The period a day falls in: its day, ISO week (Monday), month, or the
-- range's first day ('all'). Immutable in fact (timestamp without time
-- zone, not the session's zone), so the planner inlines it.
CREATE OR REPLACE FUNCTION oms.report_bucket(p_day date, p_by text, p_start date) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE p_by
	WHEN 'day' THEN p_day
	WHEN 'week' THEN date_trunc('week', p_day::timestamp)::date
	WHEN 'month' THEN date_trunc('month', p_day::timestamp)::date
	ELSE p_start END;
REVOKE ALL ON FUNCTION oms.report_bucket(date,text,date) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.report_bucket(date,text,date) TO oms_admin, oms_analyst, oms_fulfilment;

-- A report's range: NULL from = the first day with orders, NULL to = today
-- (UTC). Refuses a from after to and an unknown grouping (22023).
CREATE OR REPLACE FUNCTION oms.report_range(p_from date, p_to date, p_by text,
	OUT v_from date, OUT v_to date, OUT v_by text)
LANGUAGE plpgsql STABLE
AS $$
BEGIN
	v_by := coalesce(p_by, 'all');
	IF v_by NOT IN ('day', 'week', 'month', 'all') THEN
		RAISE EXCEPTION 'by must be day, week, month or all, not %', p_by USING ERRCODE = '22023',
			DETAIL = jsonb_build_object('rule', 'unknown_value', 'field', 'by', 'value', p_by,
			                            'allowed', jsonb_build_array('day', 'week', 'month', 'all'))::text;
	END IF;
	v_to := coalesce(p_to, (clock_timestamp() AT TIME ZONE 'UTC')::date);
	v_from := coalesce(p_from, least((SELECT min(d.day) FROM oms.report_day d), v_to), v_to);
	IF v_from > v_to THEN
		RAISE EXCEPTION 'the period starts (%) after it ends (%)', v_from, v_to USING ERRCODE = '22023',
			DETAIL = jsonb_build_object('rule', 'out_of_range', 'field', 'from', 'value', v_from, 'max', v_to)::text;
	END IF;
END
$$;
REVOKE ALL ON FUNCTION oms.report_range(date,date,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.report_range(date,date,text) TO oms_admin, oms_analyst, oms_fulfilment;

CREATE OR REPLACE FUNCTION oms.report_status_sort(p_status text) RETURNS int
LANGUAGE sql IMMUTABLE
RETURN coalesce(array_position(ARRAY['PENDING', 'CONFIRMED', 'SHIPPED', 'IN_TRANSIT', 'OUT_FOR_DELIVERY',
                                     'DELIVERED', 'DELIVERY_EXCEPTION', 'CANCELLED'], p_status), 99);
REVOKE ALL ON FUNCTION oms.report_status_sort(text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.report_status_sort(text) TO oms_admin, oms_analyst, oms_fulfilment;

-- The summary rows of a report's range, folded or not: for groupings by
-- month or the whole range, one row per month and key for every month the
-- range covers whole (oms.report_*_month), and the daily rows of the days
-- outside those months; by day or week, the daily rows. Typed as the daily
-- table (a month row's day is its first day). RLS applies (INVOKER).
-- (oms.report_months(from, to, by), a record of both, was joined to every
-- daily row and kept the index out: replaced by the two below)
DROP FUNCTION IF EXISTS oms.report_months(date,date,text);

-- The first day of the first month a range covers whole, and the last day
-- of the last (NULL by day or week: no month rows then). Single
-- expressions, IMMUTABLE: inlined, and folded to constants in the
-- reports' per-call plans, so the daily rows outside the months are read
-- from the (day, seller) index, not filtered out of every daily row.
CREATE OR REPLACE FUNCTION oms.report_month_lo(p_from date, p_by text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN p_by IN ('month', 'all') THEN
            (date_trunc('month', (p_from - 1)::timestamp) + interval '1 month')::date END;
REVOKE ALL ON FUNCTION oms.report_month_lo(date,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.report_month_lo(date,text) TO oms_admin, oms_analyst, oms_fulfilment;

CREATE OR REPLACE FUNCTION oms.report_month_hi(p_to date, p_by text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN p_by IN ('month', 'all') THEN
            (date_trunc('month', (p_to + 1)::timestamp) - interval '1 day')::date END;
REVOKE ALL ON FUNCTION oms.report_month_hi(date,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.report_month_hi(date,text) TO oms_admin, oms_analyst, oms_fulfilment;

-- The days a report reads daily rows for: from p_from up to the day before
-- the first whole month, and from the day after the last whole month to
-- p_to (both the whole range by day or week, and when no month is whole;
-- the two ranges may then overlap, which an OR counts once).
CREATE OR REPLACE FUNCTION oms.report_day_rows(p_from date, p_to date, p_by text, p_seller_id bigint)
RETURNS SETOF oms.report_day
LANGUAGE sql STABLE
AS $$
	SELECT d.* FROM oms.report_day d
	WHERE (p_seller_id IS NULL OR d.seller_id = p_seller_id)
	  AND (d.day BETWEEN p_from AND least(p_to, coalesce(oms.report_month_lo(p_from, p_by) - 1, p_to))
	       OR d.day BETWEEN greatest(p_from, coalesce(oms.report_month_hi(p_to, p_by) + 1, p_from)) AND p_to)
	UNION ALL
	SELECT d.* FROM oms.report_month d
	WHERE d.month BETWEEN oms.report_month_lo(p_from, p_by) AND oms.report_month_hi(p_to, p_by)
	  AND (p_seller_id IS NULL OR d.seller_id = p_seller_id)
$$;
REVOKE ALL ON FUNCTION oms.report_day_rows(date,date,text,bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.report_day_rows(date,date,text,bigint) TO oms_admin, oms_analyst, oms_fulfilment;

CREATE OR REPLACE FUNCTION oms.report_cancel_rows(p_from date, p_to date, p_by text, p_seller_id bigint)
RETURNS SETOF oms.report_cancel_day
LANGUAGE sql STABLE
AS $$
	SELECT d.* FROM oms.report_cancel_day d
	WHERE (p_seller_id IS NULL OR d.seller_id = p_seller_id)
	  AND (d.day BETWEEN p_from AND least(p_to, coalesce(oms.report_month_lo(p_from, p_by) - 1, p_to))
	       OR d.day BETWEEN greatest(p_from, coalesce(oms.report_month_hi(p_to, p_by) + 1, p_from)) AND p_to)
	UNION ALL
	SELECT d.* FROM oms.report_cancel_month d
	WHERE d.month BETWEEN oms.report_month_lo(p_from, p_by) AND oms.report_month_hi(p_to, p_by)
	  AND (p_seller_id IS NULL OR d.seller_id = p_seller_id)
$$;
REVOKE ALL ON FUNCTION oms.report_cancel_rows(date,date,text,bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.report_cancel_rows(date,date,text,bigint) TO oms_admin, oms_analyst, oms_fulfilment;

CREATE OR REPLACE FUNCTION oms.report_refund_rows(p_from date, p_to date, p_by text, p_seller_id bigint)
RETURNS SETOF oms.report_refund_day
LANGUAGE sql STABLE
AS $$
	SELECT d.* FROM oms.report_refund_day d
	WHERE (p_seller_id IS NULL OR d.seller_id = p_seller_id)
	  AND (d.day BETWEEN p_from AND least(p_to, coalesce(oms.report_month_lo(p_from, p_by) - 1, p_to))
	       OR d.day BETWEEN greatest(p_from, coalesce(oms.report_month_hi(p_to, p_by) + 1, p_from)) AND p_to)
	UNION ALL
	SELECT d.* FROM oms.report_refund_month d
	WHERE d.month BETWEEN oms.report_month_lo(p_from, p_by) AND oms.report_month_hi(p_to, p_by)
	  AND (p_seller_id IS NULL OR d.seller_id = p_seller_id)
$$;
REVOKE ALL ON FUNCTION oms.report_refund_rows(date,date,text,bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.report_refund_rows(date,date,text,bigint) TO oms_admin, oms_analyst, oms_fulfilment;

-- volume: orders placed in the period by their status now, and their value.
CREATE OR REPLACE FUNCTION oms_api.report_volume(p_from date, p_to date, p_seller_id bigint DEFAULT NULL,
	p_by text DEFAULT 'all')
RETURNS TABLE (period date, seller_id bigint, status text, currency char(3), orders bigint, total_minor bigint)
LANGUAGE plpgsql STABLE SET search_path = oms, pg_catalog, pg_temp SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
	r record;
BEGIN
	r := oms.report_range(p_from, p_to, p_by);
	RETURN QUERY
	SELECT oms.report_bucket(d.day, r.v_by, r.v_from), d.seller_id, d.status, d.currency,
	       sum(d.orders)::bigint, sum(d.total_minor)::bigint
	FROM oms.report_day_rows(r.v_from, r.v_to, r.v_by, p_seller_id) d
	GROUP BY 1, 2, 3, 4
	HAVING sum(d.orders) <> 0
	ORDER BY 1, 2, oms.report_status_sort(d.status), 4;
END
$$;
REVOKE ALL ON FUNCTION oms_api.report_volume(date,date,bigint,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.report_volume(date,date,bigint,text) TO oms_admin, oms_analyst, oms_fulfilment;

-- cancellations: per reason, who asked and scope, requested in the period;
-- rate = done ones / orders placed in the same period (and seller).
CREATE OR REPLACE FUNCTION oms_api.report_cancellations(p_from date, p_to date, p_seller_id bigint DEFAULT NULL,
	p_by text DEFAULT 'all')
RETURNS TABLE (period date, seller_id bigint, reason_code text, requested_by_role text, scope text,
	cancelled bigint, pending bigint, rejected bigint, units bigint, orders_placed bigint, rate numeric)
LANGUAGE plpgsql STABLE SET search_path = oms, pg_catalog, pg_temp SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
	r record;
BEGIN
	r := oms.report_range(p_from, p_to, p_by);
	RETURN QUERY
	WITH c AS (
		SELECT oms.report_bucket(d.day, r.v_by, r.v_from) AS period, d.seller_id, d.reason_code, d.who, d.scope,
		       coalesce(sum(d.n) FILTER (WHERE d.state = 'done'), 0)::bigint AS cancelled,
		       coalesce(sum(d.n) FILTER (WHERE d.state = 'pending_approval'), 0)::bigint AS pending,
		       coalesce(sum(d.n) FILTER (WHERE d.state = 'rejected'), 0)::bigint AS rejected,
		       coalesce(sum(d.units) FILTER (WHERE d.state = 'done'), 0)::bigint AS units
		FROM oms.report_cancel_rows(r.v_from, r.v_to, r.v_by, p_seller_id) d
		GROUP BY 1, 2, 3, 4, 5
		HAVING sum(d.n) <> 0
	), p AS (
		SELECT oms.report_bucket(d.day, r.v_by, r.v_from) AS period, d.seller_id, sum(d.orders)::bigint AS orders
		FROM oms.report_day_rows(r.v_from, r.v_to, r.v_by, p_seller_id) d
		GROUP BY 1, 2
	)
	SELECT c.period, c.seller_id, c.reason_code, c.who, c.scope, c.cancelled, c.pending, c.rejected, c.units,
	       coalesce(p.orders, 0), round(c.cancelled::numeric / nullif(p.orders, 0), 4)
	FROM c LEFT JOIN p ON p.period = c.period AND p.seller_id = c.seller_id
	ORDER BY 1, 2, 3, 4, 5;
END
$$;
REVOKE ALL ON FUNCTION oms_api.report_cancellations(date,date,bigint,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.report_cancellations(date,date,bigint,text) TO oms_admin, oms_analyst, oms_fulfilment;

-- refunds: requested in the period, granted versus executed, failed and
-- pending at the gateway, hours from request to money returned.
-- (the amount columns were requested_minor, granted_minor, executed_minor:
-- CSV drops "_minor", and "requested" is the count's name)
--
-- p50/p90 are exact: percentile_cont over the executed refunds of the
-- group. For short periods and groupings by day, week or month it sorts
-- them (few per group). For a long range as one period (by 'all', over 90
-- days) it reads, per seller and currency, only the values at the two
-- ranks each percentile needs, walking report_refund_pct_idx in order of
-- exec_secs (the count n comes from the summaries) and interpolating as
-- percentile_cont does (float8: lo + (hi - lo) * (f * (n - 1) - floor)):
-- the same figures without sorting some 60,000 refunds at full scale.
DROP FUNCTION IF EXISTS oms_api.report_refunds(date,date,bigint,text);
CREATE OR REPLACE FUNCTION oms_api.report_refunds(p_from date, p_to date, p_seller_id bigint DEFAULT NULL,
	p_by text DEFAULT 'all')
RETURNS TABLE (period date, seller_id bigint, currency char(3), requested bigint, requested_amount_minor bigint,
	granted bigint, granted_amount_minor bigint, awaiting_approval bigint, rejected bigint,
	executed bigint, executed_amount_minor bigint, pending_gateway bigint, failed bigint,
	avg_hours numeric, p50_hours numeric, p90_hours numeric)
LANGUAGE plpgsql STABLE SET search_path = oms, pg_catalog, pg_temp SET work_mem = '16MB' SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
	r record;
	v_walk boolean;
BEGIN
	r := oms.report_range(p_from, p_to, p_by);
	v_walk := r.v_by = 'all' AND r.v_to - r.v_from >= 90;
	RETURN QUERY
	WITH s AS (
		SELECT oms.report_bucket(d.day, r.v_by, r.v_from) AS period, d.seller_id, d.currency,
		       sum(d.n)::bigint AS requested, sum(d.amount_minor)::bigint AS requested_minor,
		       coalesce(sum(d.n) FILTER (WHERE d.approval IN ('auto', 'approved')), 0)::bigint AS granted,
		       coalesce(sum(d.amount_minor) FILTER (WHERE d.approval IN ('auto', 'approved')), 0)::bigint AS granted_minor,
		       coalesce(sum(d.n) FILTER (WHERE d.approval = 'pending'), 0)::bigint AS awaiting,
		       coalesce(sum(d.n) FILTER (WHERE d.approval = 'rejected'), 0)::bigint AS rejected,
		       coalesce(sum(d.n) FILTER (WHERE d.status = 'succeeded'), 0)::bigint AS executed,
		       coalesce(sum(d.amount_minor) FILTER (WHERE d.status = 'succeeded'), 0)::bigint AS executed_minor,
		       coalesce(sum(d.n) FILTER (WHERE d.approval IN ('auto', 'approved')
		                                 AND d.status IN ('not_sent', 'pending')), 0)::bigint AS pending_gateway,
		       coalesce(sum(d.n) FILTER (WHERE d.status IN ('failed', 'canceled')), 0)::bigint AS failed,
		       sum(d.exec_secs) AS exec_secs, sum(d.exec_n)::bigint AS exec_n
		FROM oms.report_refund_rows(r.v_from, r.v_to, r.v_by, p_seller_id) d
		GROUP BY 1, 2, 3
		HAVING sum(d.n) <> 0
	), q AS (
		SELECT oms.report_bucket(f.day, r.v_by, r.v_from) AS period, f.seller_id, f.currency,
		       percentile_cont(0.5) WITHIN GROUP (ORDER BY f.exec_secs) AS p50,
		       percentile_cont(0.9) WITHIN GROUP (ORDER BY f.exec_secs) AS p90
		FROM oms.report_refund f
		WHERE NOT v_walk AND f.exec_secs IS NOT NULL AND f.day BETWEEN r.v_from AND r.v_to
		  AND (p_seller_id IS NULL OR f.seller_id = p_seller_id)
		GROUP BY 1, 2, 3
	), k AS (
		-- the ranks (0-based) percentile_cont reads: lo and hi of each
		SELECT s.*, floor(0.5::float8 * (s.exec_n - 1))::bigint AS lo50, ceil(0.5::float8 * (s.exec_n - 1))::bigint AS hi50,
		       floor(0.9::float8 * (s.exec_n - 1))::bigint AS lo90, ceil(0.9::float8 * (s.exec_n - 1))::bigint AS hi90
		FROM s
	), w AS (
		SELECT k.period, k.seller_id, k.currency,
		       x.a[k.lo50 - k.lo50 + 1] + (x.a[k.hi50 - k.lo50 + 1] - x.a[k.lo50 - k.lo50 + 1])
		           * (0.5::float8 * (k.exec_n - 1) - k.lo50) AS p50,
		       x.a[k.lo90 - k.lo50 + 1] + (x.a[k.hi90 - k.lo50 + 1] - x.a[k.lo90 - k.lo50 + 1])
		           * (0.9::float8 * (k.exec_n - 1) - k.lo90) AS p90
		FROM k
		CROSS JOIN LATERAL (
			SELECT array_agg(v.exec_secs::float8 ORDER BY v.exec_secs) AS a
			FROM (SELECT f.exec_secs FROM oms.report_refund f
			      WHERE f.seller_id = k.seller_id AND f.currency = k.currency AND f.exec_secs IS NOT NULL
			        AND f.day BETWEEN r.v_from AND r.v_to
			      ORDER BY f.exec_secs
			      OFFSET k.lo50 LIMIT k.hi90 - k.lo50 + 1) v) x
		WHERE v_walk AND k.exec_n > 0
	)
	SELECT s.period, s.seller_id, s.currency, s.requested, s.requested_minor, s.granted, s.granted_minor,
	       s.awaiting, s.rejected, s.executed, s.executed_minor, s.pending_gateway, s.failed,
	       round(s.exec_secs / nullif(s.exec_n, 0) / 3600, 2),
	       round((coalesce(q.p50, w.p50) / 3600)::numeric, 2), round((coalesce(q.p90, w.p90) / 3600)::numeric, 2)
	FROM s
	LEFT JOIN q ON q.period = s.period AND q.seller_id = s.seller_id AND q.currency = s.currency
	LEFT JOIN w ON w.period = s.period AND w.seller_id = s.seller_id AND w.currency = s.currency
	ORDER BY 1, 2, 3;
END
$$;
REVOKE ALL ON FUNCTION oms_api.report_refunds(date,date,bigint,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.report_refunds(date,date,bigint,text) TO oms_admin, oms_analyst, oms_fulfilment;

-- fulfilment: orders placed in the period, against the 24-hour promise.
CREATE OR REPLACE FUNCTION oms_api.report_fulfilment(p_from date, p_to date, p_seller_id bigint DEFAULT NULL,
	p_by text DEFAULT 'all')
RETURNS TABLE (period date, seller_id bigint, orders bigint, confirmed bigint, shipped bigint,
	shipped_in_time bigint, in_time_rate numeric, avg_hours_to_ship numeric, delivered bigint,
	delivered_on_time bigint, on_time_rate numeric, avg_transit_hours numeric, exceptions bigint, stuck bigint)
LANGUAGE plpgsql STABLE SET search_path = oms, pg_catalog, pg_temp SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
	r record;
BEGIN
	r := oms.report_range(p_from, p_to, p_by);
	RETURN QUERY
	SELECT s.period, s.seller_id, s.orders, s.confirmed, s.shipped, s.in_time,
	       round(s.in_time::numeric / nullif(s.shipped, 0), 4),
	       round(s.ship_secs / nullif(s.shipped, 0) / 3600, 2),
	       s.delivered, s.on_time, round(s.on_time::numeric / nullif(s.with_estimate, 0), 4),
	       round(s.transit_secs / nullif(s.delivered, 0) / 3600, 2),
	       s.exceptions, s.stuck
	FROM (SELECT oms.report_bucket(d.day, r.v_by, r.v_from) AS period, d.seller_id,
	             sum(d.orders)::bigint AS orders, sum(d.confirmed)::bigint AS confirmed,
	             sum(d.shipped)::bigint AS shipped, sum(d.in_time)::bigint AS in_time, sum(d.ship_secs) AS ship_secs,
	             sum(d.delivered)::bigint AS delivered, sum(d.on_time)::bigint AS on_time,
	             sum(d.with_estimate)::bigint AS with_estimate, sum(d.transit_secs) AS transit_secs,
	             sum(d.exceptions)::bigint AS exceptions, sum(d.stuck)::bigint AS stuck
	      FROM oms.report_day_rows(r.v_from, r.v_to, r.v_by, p_seller_id) d
	      GROUP BY 1, 2
	      HAVING sum(d.orders) <> 0) s
	ORDER BY 1, 2;
END
$$;
REVOKE ALL ON FUNCTION oms_api.report_fulfilment(date,date,bigint,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.report_fulfilment(date,date,bigint,text) TO oms_admin, oms_analyst, oms_fulfilment;

-- kpi: the specifications' targets beside the period's figure (sellers
-- summed; p_seller_id narrows). Every period of the range has its rows,
-- with "no data" where nothing was measured.
-- (verdict was added)
DROP FUNCTION IF EXISTS oms_api.report_kpi(date,date,bigint,text);
CREATE OR REPLACE FUNCTION oms_api.report_kpi(p_from date, p_to date, p_seller_id bigint DEFAULT NULL,
	p_by text DEFAULT 'all')
RETURNS TABLE (period date, kpi text, label text, value numeric, unit text, target text, met boolean,
	basis bigint, note text, verdict text)
LANGUAGE plpgsql STABLE SET search_path = oms, pg_catalog, pg_temp SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
	r record;
BEGIN
	r := oms.report_range(p_from, p_to, p_by);
	RETURN QUERY
	WITH periods AS (
		SELECT DISTINCT oms.report_bucket(g::date, r.v_by, r.v_from) AS period
		FROM generate_series(r.v_from, r.v_to, CASE r.v_by WHEN 'all' THEN r.v_to - r.v_from + 1
		                                                   ELSE 1 END * interval '1 day') g
	), o AS (
		SELECT oms.report_bucket(d.day, r.v_by, r.v_from) AS period,
		       sum(d.confirmed) AS confirmed, sum(d.shipped) AS shipped, sum(d.process_secs) AS process_secs,
		       sum(d.with_estimate) AS with_estimate, sum(d.on_time) AS on_time, sum(d.inaccurate) AS inaccurate
		FROM oms.report_day_rows(r.v_from, r.v_to, r.v_by, p_seller_id) d
		GROUP BY 1
	), f AS (
		SELECT oms.report_bucket(d.day, r.v_by, r.v_from) AS period,
		       sum(d.exec_n) AS exec_n, sum(d.exec_secs) AS exec_secs
		FROM oms.report_refund_rows(r.v_from, r.v_to, r.v_by, p_seller_id) d
		GROUP BY 1
	), k AS (
		SELECT p.period, v.sort, v.kpi, v.label, v.value, v.unit, v.target, v.op, v.goal, v.basis
		FROM periods p
		LEFT JOIN o ON o.period = p.period
		LEFT JOIN f ON f.period = p.period
		CROSS JOIN LATERAL (VALUES
			(1, 'fulfilment_rate', 'Order fulfilment rate', 100 * o.shipped / nullif(o.confirmed, 0), '%',
			    '> 98', '>', 98::numeric, coalesce(o.confirmed, 0)),
			(2, 'avg_processing_hours', 'Average order processing time', o.process_secs / nullif(o.confirmed, 0) / 3600,
			    'h', '< 2', '<', 2, coalesce(o.confirmed, 0)),
			(3, 'on_time_delivery', 'On-time delivery rate', 100 * o.on_time / nullif(o.with_estimate, 0), '%',
			    '> 95', '>', 95, coalesce(o.with_estimate, 0)),
			(4, 'order_accuracy', 'Order accuracy rate', 100 * (o.confirmed - o.inaccurate) / nullif(o.confirmed, 0),
			    '%', '>= 99.9', '>=', 99.9, coalesce(o.confirmed, 0)),
			(5, 'refund_processing_hours', 'Refund processing time', f.exec_secs / nullif(f.exec_n, 0) / 3600, 'h',
			    '< 48', '<', 48, coalesce(f.exec_n, 0)),
			(6, 'first_call_resolution', 'First-call resolution', NULL::numeric, '%', '> 85', NULL, NULL, 0::numeric),
			(7, 'customer_satisfaction', 'Customer satisfaction score', NULL::numeric, '/5', '> 4.5', NULL, NULL, 0::numeric)
		) AS v(sort, kpi, label, value, unit, target, op, goal, basis)
	)
	SELECT k.period, k.kpi, k.label, round(k.value, 2), k.unit, k.target,
	       CASE k.op WHEN '>' THEN k.value > k.goal WHEN '<' THEN k.value < k.goal
	                 WHEN '>=' THEN k.value >= k.goal END,
	       k.basis::bigint,
	       CASE WHEN k.value IS NULL THEN 'no data' END,
	       CASE WHEN k.value IS NULL THEN 'no data'
	            WHEN CASE k.op WHEN '>' THEN k.value > k.goal WHEN '<' THEN k.value < k.goal
	                           WHEN '>=' THEN k.value >= k.goal END THEN 'met'
	            ELSE 'NOT MET' END
	FROM k
	ORDER BY k.period, k.sort;
END
$$;
REVOKE ALL ON FUNCTION oms_api.report_kpi(date,date,bigint,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.report_kpi(date,date,bigint,text) TO oms_admin, oms_analyst, oms_fulfilment;

-- The sellers a caller may report on (the seller filter). Seller names are
-- not personal data; fulfilment staff get their own seller only.
CREATE OR REPLACE FUNCTION oms_api.report_sellers()
RETURNS TABLE (seller_id bigint, name text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
	SELECT s.id, s.name FROM oms.seller s
	WHERE oms.caller_role() IN ('admin', 'analyst')
	   OR (oms.caller_role() = 'fulfilment' AND s.id = oms.caller_seller_id())
	ORDER BY s.id
$$;
REVOKE ALL ON FUNCTION oms_api.report_sellers() FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.report_sellers() TO oms_admin, oms_analyst, oms_fulfilment;

-- The orders behind a figure. SECURITY INVOKER: it reads oms.orders, so
-- row-level security decides (administrators every order, fulfilment their
-- seller's); analysts, who may see no order, are not granted it. Keyset
-- paging by order_no.
CREATE OR REPLACE FUNCTION oms_api.report_orders(p_figure text, p_from date, p_to date,
	p_seller_id bigint DEFAULT NULL, p_status text DEFAULT NULL, p_limit int DEFAULT 50,
	p_after_order_no bigint DEFAULT NULL)
RETURNS TABLE (order_no bigint, seller_id bigint, status text, placed_at timestamptz, total_minor bigint,
	currency char(3))
LANGUAGE plpgsql STABLE SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	r record;
	v_limit constant int := least(greatest(coalesce(p_limit, 50), 1), 10000);
	v_after constant bigint := coalesce(p_after_order_no, 0);
BEGIN
	r := oms.report_range(p_from, p_to, 'all');
	IF p_figure IN ('placed', 'confirmed', 'shipped', 'shipped_late', 'unshipped', 'delivered',
	                'delivered_late', 'exception', 'stuck', 'inaccurate') THEN
		RETURN QUERY
		SELECT o.order_no, o.seller_id, o.status, o.placed_at, o.total_minor, o.currency
		FROM oms.report_order f
		JOIN oms.orders o ON o.id = f.order_id
		WHERE f.day BETWEEN r.v_from AND r.v_to
		  AND (p_seller_id IS NULL OR f.seller_id = p_seller_id)
		  AND o.order_no > v_after
		  AND CASE p_figure
		      WHEN 'placed' THEN p_status IS NULL OR f.status = p_status
		      WHEN 'confirmed' THEN f.confirmed
		      WHEN 'shipped' THEN f.shipped
		      WHEN 'shipped_late' THEN f.shipped AND NOT f.in_time
		      WHEN 'unshipped' THEN f.confirmed AND NOT f.shipped AND f.status <> 'CANCELLED'
		      WHEN 'delivered' THEN f.delivered
		      WHEN 'delivered_late' THEN f.with_estimate AND NOT f.on_time
		      WHEN 'exception' THEN f.exception
		      WHEN 'stuck' THEN f.stuck
		      WHEN 'inaccurate' THEN f.inaccurate
		      END
		ORDER BY o.order_no
		LIMIT v_limit;
	ELSIF p_figure = 'cancelled' THEN
		RETURN QUERY
		SELECT o.order_no, o.seller_id, o.status, o.placed_at, o.total_minor, o.currency
		FROM oms.orders o
		WHERE o.id IN (SELECT c.order_id FROM oms.report_cancel c
		               WHERE c.day BETWEEN r.v_from AND r.v_to AND c.state = 'done'
		                 AND (p_seller_id IS NULL OR c.seller_id = p_seller_id)
		                 AND (p_status IS NULL OR c.reason_code = p_status))
		  AND o.order_no > v_after
		ORDER BY o.order_no
		LIMIT v_limit;
	ELSIF p_figure IN ('refund_executed', 'refund_pending', 'refund_failed', 'refund_awaiting') THEN
		RETURN QUERY
		SELECT o.order_no, o.seller_id, o.status, o.placed_at, o.total_minor, o.currency
		FROM oms.orders o
		WHERE o.id IN (SELECT f.order_id FROM oms.report_refund f
		               WHERE f.day BETWEEN r.v_from AND r.v_to
		                 AND (p_seller_id IS NULL OR f.seller_id = p_seller_id)
		                 AND CASE p_figure
		                     WHEN 'refund_executed' THEN f.status = 'succeeded'
		                     WHEN 'refund_pending' THEN f.approval IN ('auto', 'approved')
		                                                AND f.status IN ('not_sent', 'pending')
		                     WHEN 'refund_failed' THEN f.status IN ('failed', 'canceled')
		                     WHEN 'refund_awaiting' THEN f.approval = 'pending' END)
		  AND o.order_no > v_after
		ORDER BY o.order_no
		LIMIT v_limit;
	ELSE
		RAISE EXCEPTION 'unknown figure %', p_figure USING ERRCODE = '22023',
			DETAIL = jsonb_build_object('rule', 'unknown_figure', 'field', 'figure', 'value', p_figure)::text;
	END IF;
END
$$;
REVOKE ALL ON FUNCTION oms_api.report_orders(text,date,date,bigint,text,int,bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.report_orders(text,date,date,bigint,text,int,bigint) TO oms_admin, oms_fulfilment;

-- Backfill: a database that had orders before sql/0020 gets its fact and
-- summary rows once (the triggers keep them from then on).
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM oms.report_order) AND EXISTS (SELECT 1 FROM oms.orders)
	   OR NOT EXISTS (SELECT 1 FROM oms.report_month) AND EXISTS (SELECT 1 FROM oms.report_order) THEN
		PERFORM oms.report_rebuild();       -- (the months came with 0030)
	END IF;
END
$$;

RESET ROLE;
