-- sql/functions/76_tracking_refresh.sql: "Refresh tracking" (issues 11, 13): a person asks for an order's latest carrier scans.
--
-- The one definition of each function and view here, with its grants.
-- `oms migrate` re-applies this file (in one transaction, after the
-- numbered migrations) whenever its text changes: keep it re-appliable
-- (CREATE OR REPLACE; see sql/functions/README for a changed signature).

SET LOCAL search_path = oms, pg_catalog;
SET LOCAL ROLE oms_owner;

-- Asks for fresh scans of an order's shipments without waiting for them:
-- each active tracker of the order is made due now, so the worker's poller
-- (oms_api.trackers_due, src/worker/track.c) asks the aggregator for it in
-- its next batch, and the order screen follows the scans it applies (NOTIFY
-- oms_order). A tracker heard from in the last minute, or leased by a poll
-- under way, is left as it is ("fresh", "polling"): asking again would only
-- load the aggregator. The answer says, for each shipment, what was done
-- and what is known: {"order_no", "asked": trackers made due, "shipments":
-- [{"tracking_no", "carrier", "state": due | fresh | polling | ended |
-- untracked, "last_heard_at", "poll_failures", "last_error"}]}; last_error
-- is the last failed poll's reason (the aggregator unreachable...), kept
-- until a poll answers. NOTIFY oms_tracker (payload: the order number, no
-- PII) tells a worker that listens that trackers are due now.
-- CSR, administrators, fulfilment staff of the order's seller (another
-- seller's order is "not found", as row-level security would have it).
CREATE OR REPLACE FUNCTION oms_api.tracking_refresh(p_order_no bigint) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp SET lock_timeout = '2s'
AS $$
DECLARE
	v_role constant text := oms.begin_action('tracking_refresh', 'csr', 'admin', 'fulfilment');
	v_now constant timestamptz := clock_timestamp();
	v_order oms.orders;
	v_asked int := 0;
	v_ships jsonb := '[]';
	r record;
	v_state text;
BEGIN
	v_order := oms.visible_order(p_order_no, v_role);
	FOR r IN
		SELECT s.id, s.tracking_no, s.carrier, t.shipment_id AS tracked, t.active, t.last_heard_at,
		       t.next_poll_at, t.poll_failures, t.last_error
		FROM oms.shipment s LEFT JOIN oms.tracker t ON t.shipment_id = s.id
		WHERE s.order_id = v_order.id
		ORDER BY s.id
	LOOP
		v_state := CASE
			WHEN r.tracked IS NULL THEN 'untracked'
			WHEN NOT r.active THEN 'ended'
			WHEN r.last_heard_at > v_now - interval '1 minute' THEN 'fresh'
			-- trackers_due leases a tracker for 10 minutes while it is polled
			WHEN r.next_poll_at > v_now + interval '9 minutes'
			     AND r.next_poll_at <= v_now + interval '10 minutes' THEN 'polling'
			ELSE 'due' END;
		IF v_state = 'due' THEN
			-- (a poll that took the tracker meanwhile keeps its lease)
			UPDATE oms.tracker t SET next_poll_at = v_now
			WHERE t.shipment_id = r.id AND t.next_poll_at = r.next_poll_at;
			IF FOUND THEN
				v_asked := v_asked + 1;
			ELSE
				v_state := 'polling';
			END IF;
		END IF;
		v_ships := v_ships || jsonb_build_array(jsonb_build_object(
			'tracking_no', r.tracking_no, 'carrier', r.carrier, 'state', v_state,
			'last_heard_at', r.last_heard_at, 'poll_failures', coalesce(r.poll_failures, 0),
			'last_error', r.last_error));
	END LOOP;
	IF v_asked > 0 THEN
		PERFORM pg_notify('oms_tracker', p_order_no::text);
	END IF;
	RETURN jsonb_build_object('order_no', p_order_no, 'asked', v_asked, 'shipments', v_ships);
END
$$;
REVOKE ALL ON FUNCTION oms_api.tracking_refresh(bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.tracking_refresh(bigint) TO oms_admin, oms_csr, oms_fulfilment;

-- What the poller knows of an order's trackers, changing nothing (the
-- order screen shows a failed poll under its shipment, with the reason:
-- the aggregator unreachable...; oms_api.order_card, which runs as its
-- caller, cannot read oms.tracker): {"order_no", "shipments":
-- [{"tracking_no", "carrier", "state": tracking | ended | untracked,
-- "last_heard_at", "last_heard_age_s" (how old the last known state is, in
-- seconds; null: never heard), "next_poll_at", "poll_failures",
-- "last_error"}]}, last_error kept until a poll answers. Who may call it, as
-- oms_api.tracking_refresh.
CREATE OR REPLACE FUNCTION oms_api.tracking_status(p_order_no bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('tracking_status', 'csr', 'admin', 'fulfilment');
	v_order oms.orders;
BEGIN
	v_order := oms.visible_order(p_order_no, v_role);
	RETURN jsonb_build_object('order_no', p_order_no, 'shipments', coalesce((
		SELECT jsonb_agg(jsonb_build_object('tracking_no', s.tracking_no, 'carrier', s.carrier,
		                 'state', CASE WHEN t.shipment_id IS NULL THEN 'untracked'
		                               WHEN t.active THEN 'tracking' ELSE 'ended' END,
		                 'last_heard_at', t.last_heard_at,
		                 'last_heard_age_s', floor(extract(epoch FROM clock_timestamp() - t.last_heard_at))::bigint,
		                 'next_poll_at', t.next_poll_at,
		                 'poll_failures', coalesce(t.poll_failures, 0), 'last_error', t.last_error) ORDER BY s.id)
		FROM oms.shipment s LEFT JOIN oms.tracker t ON t.shipment_id = s.id
		WHERE s.order_id = v_order.id), '[]'));
END
$$;
REVOKE ALL ON FUNCTION oms_api.tracking_status(bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.tracking_status(bigint) TO oms_admin, oms_csr, oms_fulfilment;
