-- 0014: the rules hold whatever a session does (issue 8). Every guarantee
-- here is listed in oms-schema(7), "What a session cannot change", with the
-- test that proves it.
--
-- 1. Isolation. Every state-changing function decides on the order row it
--    has locked by WRITING it (oms.orders.version + 1), not just by
--    SELECT ... FOR UPDATE. Under READ COMMITTED the write waits for the
--    other writer and the function's next statements see its result (each
--    statement of a PL/pgSQL function takes a fresh snapshot). Under
--    REPEATABLE READ and SERIALIZABLE, writing a row that another
--    transaction changed after our snapshot raises 40001 ("could not
--    serialize access due to concurrent update"): a session whose snapshot
--    is older than the last change to the order cannot decide on it at all.
--    Every writer of an order's refunds, payments, lines, cancellations and
--    shipments goes through oms.lock_order, so "the order row is current"
--    means "everything hanging off it is current".
-- 2. Clocks. Rule times come from clock_timestamp(), never now() (the start
--    of a transaction that may have been open for an hour).
-- 3. Money. A gateway's result is always recorded (the ledger bound BR-028
--    is checked when a refund is granted, never when the gateway reports);
--    a result that contradicts the ledger raises an alert for the
--    administrators (oms.alert) instead of killing the job. A refund request
--    carries the client's idempotency key. Cancelling a whole order settles
--    the refunds still waiting for approval, so the customer gets everything
--    paid exactly once. A gateway payment pays for one order (BR-011).
-- 4. People. Whoever asks cannot approve (BR-029, four-eyes). A deactivated
--    staff member can do nothing. The audit actor comes from session_user
--    and oms.staff only.
-- 5. Resources. The worker's functions never wait long on a lock (staff can
--    hold one for ever); per-group session settings and connection limits
--    (oms.session_limit, applied by `oms migrate`).
-- 6. Leaks and limits: fulfilment sees only its own seller's staff, seller
--    row and items; bounded text, quantities and totals; no large objects.

SET LOCAL search_path = oms, pg_catalog;

-- ---------------------------------------------------------------------------
-- Tables (as the owner)

SET LOCAL ROLE oms_owner;

-- Bumped by oms.lock_order: the order row changes whenever anything about
-- the order is decided (see 1. above). Not audited, not shown.
ALTER TABLE oms.orders ADD COLUMN version bigint NOT NULL DEFAULT 0;

-- A refund request's idempotency key from the client (the CLI or the
-- dialog: one per intent, reused by every retry of that intent).
ALTER TABLE oms.refund ADD COLUMN request_key uuid CONSTRAINT refund_request_key UNIQUE;

-- Bounded text: what a person types is at most 2000 characters (the client
-- shows the same limit, OMS_NOTE_MAX).
CREATE FUNCTION oms.note_max() RETURNS int LANGUAGE sql IMMUTABLE RETURN 2000;
ALTER TABLE oms.cancellation
	ADD CONSTRAINT cancellation_note_len CHECK (char_length(note) <= 2000),
	ADD CONSTRAINT cancellation_decision_note_len CHECK (char_length(decision_note) <= 2000),
	ADD CONSTRAINT cancellation_override_reason_len CHECK (char_length(override_reason) <= 2000);
ALTER TABLE oms.refund
	ADD CONSTRAINT refund_reason_len CHECK (char_length(reason) <= 2000),
	ADD CONSTRAINT refund_note_len CHECK (char_length(note) <= 2000),
	ADD CONSTRAINT refund_decision_note_len CHECK (char_length(decision_note) <= 2000);
-- a hard ceiling under the policy (max_line_qty) for any writer
ALTER TABLE oms.order_item ADD CONSTRAINT order_item_qty_ceiling CHECK (qty <= 1000000);

-- BR-011: one gateway payment pays for one order.
CREATE UNIQUE INDEX payment_provider_ref_key ON oms.payment (provider_ref) WHERE provider_ref IS NOT NULL;

-- Policies for the new limits.
CREATE OR REPLACE FUNCTION oms.policy_value_ok(p_key text, p_value text) RETURNS boolean
LANGUAGE sql IMMUTABLE
RETURN CASE p_key
	WHEN 'cancel_window' THEN p_value ~ '^[0-9]+ (minute|minutes|hour|hours|day|days)$'
	WHEN 'outbox_lease' THEN p_value ~ '^[0-9]+ (second|seconds|minute|minutes)$'
	WHEN 'default_country_code' THEN p_value ~ '^[1-9][0-9]{0,2}$'
	WHEN 'stuck_shipment_hours' THEN p_value ~ '^[1-9][0-9]{0,3}$'
	WHEN 'max_order_items' THEN p_value ~ '^[1-9][0-9]{0,3}$'
	WHEN 'payment_verify_attempts' THEN p_value ~ '^[1-9][0-9]?$'
	WHEN 'max_line_qty' THEN p_value ~ '^[1-9][0-9]{0,5}$' AND p_value::int <= 1000000
	WHEN 'max_order_total_minor' THEN p_value ~ '^[1-9][0-9]{0,14}$'
	ELSE p_value IS NOT NULL
END;
INSERT INTO oms.policy (key, value, description) VALUES
	('max_line_qty', '999', 'most units of one item in one order line'),
	('max_order_total_minor', '10000000', 'highest total of one order, in minor units (100000.00)');

-- Alerts for administrators: facts from outside that contradict the ledger
-- (money that left although the ledger says otherwise). Recorded, never
-- refused. Read with oms_api.alerts(); resolved with oms_api.alert_resolve().
CREATE TABLE oms.alert (
	id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at           timestamptz NOT NULL DEFAULT clock_timestamp(),
	kind         text NOT NULL CHECK (kind IN ('refund_result_changed', 'ledger_overdrawn')),
	order_id     bigint REFERENCES oms.orders,
	refund_id    bigint REFERENCES oms.refund,
	detail       jsonb NOT NULL DEFAULT '{}',
	resolved_by  text,
	resolved_at  timestamptz,
	note         text CHECK (char_length(note) <= 2000),
	CHECK ((resolved_at IS NULL) = (resolved_by IS NULL))
);
CREATE INDEX alert_open_idx ON oms.alert (at) WHERE resolved_at IS NULL;
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON oms.alert
	FOR EACH ROW EXECUTE FUNCTION oms.audit_row('id');
REVOKE ALL ON oms.alert FROM PUBLIC;
GRANT SELECT ON oms.alert TO oms_admin;

-- Session settings and connection limits per group (applied to every login
-- of the group by oms.apply_session_limits(), which `oms migrate` runs).
-- PostgreSQL 15 counts connections per login, not per group: the group's
-- share is connections_per_login times its logins; size max_connections
-- (and PgBouncer's pools) so that the worker's and the administrators'
-- shares stay free whatever the other groups do (oms-schema(7)).
CREATE TABLE oms.session_limit (
	group_role                    text PRIMARY KEY
	                              CHECK (group_role IN ('oms_admin', 'oms_csr', 'oms_fulfilment',
	                                                    'oms_worker', 'oms_analyst')),
	priority                      int NOT NULL UNIQUE,      -- a login in two groups gets the first
	connections_per_login         int NOT NULL CHECK (connections_per_login BETWEEN 1 AND 1000),
	statement_timeout             text NOT NULL,
	idle_in_transaction_timeout   text NOT NULL,
	lock_timeout                  text NOT NULL,
	CHECK (statement_timeout ~ '^[0-9]+(ms|s|min)?$' AND idle_in_transaction_timeout ~ '^[0-9]+(ms|s|min)?$'
	       AND lock_timeout ~ '^[0-9]+(ms|s|min)?$')
);
INSERT INTO oms.session_limit VALUES
	('oms_admin',      1, 10, '10min', '10min', '30s'),
	('oms_worker',     2,  8, '60s',   '60s',   '2s'),
	('oms_csr',        3,  4, '30s',   '2min',  '10s'),
	('oms_fulfilment', 4,  4, '30s',   '2min',  '10s'),
	('oms_analyst',    5,  2, '5min',  '2min',  '10s');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON oms.session_limit
	FOR EACH ROW EXECUTE FUNCTION oms.audit_row('group_role');
GRANT SELECT ON oms.session_limit TO oms_admin;

-- ---------------------------------------------------------------------------
-- Helpers

-- Text a person typed, trimmed of every kind of white space (spaces, tabs,
-- newlines, ...); NULL when nothing is left. "Needs a note" means this is
-- not NULL.
CREATE FUNCTION oms.clean_text(p text) RETURNS text
LANGUAGE sql IMMUTABLE
RETURN nullif(regexp_replace(p, '^[[:space:]]+|[[:space:]]+$', '', 'g'), '');

-- Refuse text longer than oms.note_max() with a clear message (the table
-- CHECKs are the backstop).
CREATE FUNCTION oms.check_text_len(p_what text, p text) RETURNS void
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
	IF char_length(p) > oms.note_max() THEN
		RAISE EXCEPTION '% may be at most % characters (this one has %)', p_what, oms.note_max(), char_length(p)
			USING ERRCODE = '22023';
	END IF;
END
$$;

-- Is the caller a deactivated staff member (staff.active false)? SECURITY
-- DEFINER: analysts read no table, and fulfilment sees few staff rows.
CREATE FUNCTION oms.caller_deactivated() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
RETURN EXISTS (SELECT 1 FROM oms.staff s WHERE s.login = session_user AND NOT s.active);

-- The group the caller acts as. A deactivated staff member acts as nobody:
-- every oms_api function refuses them at once.
CREATE OR REPLACE FUNCTION oms.caller_role() RETURNS text
LANGUAGE sql STABLE
RETURN CASE
	WHEN oms.caller_deactivated() THEN NULL
	WHEN pg_has_role(session_user, 'oms_admin', 'USAGE') THEN 'admin'
	WHEN pg_has_role(session_user, 'oms_csr', 'USAGE') THEN 'csr'
	WHEN pg_has_role(session_user, 'oms_fulfilment', 'USAGE') THEN 'fulfilment'
	WHEN pg_has_role(session_user, 'oms_worker', 'USAGE') THEN 'worker'
	WHEN pg_has_role(session_user, 'oms_analyst', 'USAGE') THEN 'analyst'
END;

-- As in 0007, and: under REPEATABLE READ or SERIALIZABLE the caller's own
-- staff row is locked (FOR SHARE) first, so a deactivation committed after
-- the transaction's snapshot raises 40001 instead of going unseen. (Under
-- READ COMMITTED every statement reads the current row anyway.)
CREATE OR REPLACE FUNCTION oms.begin_action(p_action text, VARIADIC p_roles text[]) RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
	v_role text;
BEGIN
	IF current_setting('transaction_isolation') <> 'read committed'
	   AND current_setting('transaction_read_only') = 'off' THEN
		PERFORM 1 FROM oms.staff s WHERE s.login = session_user FOR SHARE;
	END IF;
	v_role := oms.caller_role();
	PERFORM set_config('oms.action', p_action, true);
	IF v_role IS NULL OR NOT v_role = ANY (p_roles) THEN
		RAISE EXCEPTION '% is not allowed for %', p_action,
			CASE WHEN oms.caller_deactivated() THEN 'a deactivated login' ELSE coalesce(v_role, 'this login') END
			USING ERRCODE = '42501';
	END IF;
	RETURN v_role;
END
$$;

-- Lock an order for a decision by writing its row (see 1. above). Fulfilment
-- staff cannot see other sellers' orders, so for them those do not exist.
CREATE OR REPLACE FUNCTION oms.lock_order(p_order_id bigint, p_order_no bigint, p_role text) RETURNS oms.orders
LANGUAGE plpgsql
AS $$
DECLARE
	v oms.orders;
	v_seller bigint;
BEGIN
	IF p_order_id IS NULL AND p_order_no IS NULL THEN
		RAISE EXCEPTION 'order not found (no order number given)' USING ERRCODE = 'P0002';
	END IF;
	SELECT o.seller_id INTO v_seller FROM oms.orders o
	WHERE (p_order_id IS NULL OR o.id = p_order_id) AND (p_order_no IS NULL OR o.order_no = p_order_no);
	IF NOT FOUND OR (p_role = 'fulfilment' AND v_seller IS DISTINCT FROM oms.caller_seller_id()) THEN
		RAISE EXCEPTION 'order % not found', coalesce(p_order_no::text, 'id ' || p_order_id)
			USING ERRCODE = 'P0002';
	END IF;
	UPDATE oms.orders o SET version = o.version + 1
	WHERE (p_order_id IS NULL OR o.id = p_order_id) AND (p_order_no IS NULL OR o.order_no = p_order_no)
	RETURNING * INTO v;
	RETURN v;
END
$$;

-- BR-023 as in 0007, with white space of every kind and the length bound.
CREATE OR REPLACE FUNCTION oms.check_reason(p_code text, p_note text) RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
	v_requires_note boolean;
BEGIN
	SELECT r.requires_note INTO v_requires_note FROM oms.cancellation_reason r
	WHERE r.code = p_code AND r.active;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'BR-023: a cancellation needs a reason; "%" is not one', left(coalesce(p_code, ''), 40)
			USING ERRCODE = '22023';
	END IF;
	IF v_requires_note AND oms.clean_text(p_note) IS NULL THEN
		RAISE EXCEPTION 'BR-023: reason "%" needs a note', p_code USING ERRCODE = '22023';
	END IF;
	PERFORM oms.check_text_len('a note', p_note);
END
$$;

-- Record an alert for the administrators (see oms.alert).
CREATE FUNCTION oms.raise_alert(p_kind text, p_order_id bigint, p_refund_id bigint, p_detail jsonb) RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
	INSERT INTO oms.alert (kind, order_id, refund_id, detail) VALUES (p_kind, p_order_id, p_refund_id, p_detail);
	PERFORM pg_notify('oms_alert', p_kind);
END
$$;

-- ---------------------------------------------------------------------------
-- Rules that hold for every writer

-- BR-028, checked when a refund is GRANTED (inserted, its amount changed,
-- or counted again after a rejection), never when the gateway reports what
-- it did: money that left is always recorded (refund_result raises an
-- alert when the ledger is overdrawn).
CREATE OR REPLACE FUNCTION oms.refund_guard_amount() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
	v_left bigint;
BEGIN
	IF NEW.approval = 'rejected' OR NEW.status IN ('failed', 'canceled') THEN
		RETURN NEW;
	END IF;
	IF TG_OP = 'UPDATE' AND OLD.approval = NEW.approval AND OLD.amount_minor = NEW.amount_minor THEN
		RETURN NEW;                                   -- the executed side: a fact, recorded
	END IF;
	v_left := oms.refundable_minor(NEW.order_id);
	IF TG_OP = 'UPDATE' AND OLD.approval <> 'rejected' AND OLD.status NOT IN ('failed', 'canceled') THEN
		v_left := v_left + OLD.amount_minor;          -- the row already counted itself
	END IF;
	IF NEW.amount_minor > v_left THEN
		PERFORM oms.refuse(format('BR-028: a refund of %s exceeds the %s left to refund on order %s',
			NEW.amount_minor, greatest(v_left, 0),
			(SELECT order_no FROM oms.orders WHERE id = NEW.order_id)));
	END IF;
	RETURN NEW;
END
$$;

-- As in 0003, and a SHIPPED order must have units left to ship.
CREATE OR REPLACE FUNCTION oms.orders_guard_status() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
	v_ok boolean;
BEGIN
	IF TG_OP = 'INSERT' THEN
		IF NEW.status <> 'PENDING' THEN
			PERFORM oms.refuse(format('BR-010: a new order starts PENDING, not %s', NEW.status));
		END IF;
		RETURN NEW;
	END IF;
	IF NEW.status = OLD.status THEN
		RETURN NEW;
	END IF;
	IF OLD.status = 'CANCELLED' THEN
		PERFORM oms.refuse(format('BR-015: order %s is cancelled; a cancelled order never changes again',
		                          OLD.order_no));
	END IF;
	IF NOT EXISTS (SELECT 1 FROM oms.order_transition
	               WHERE from_status = OLD.status AND to_status = NEW.status) THEN
		PERFORM oms.refuse(format('%s: order %s cannot go from %s to %s',
			CASE NEW.status WHEN 'CANCELLED' THEN 'BR-014' WHEN 'CONFIRMED' THEN 'BR-011'
			                WHEN 'SHIPPED' THEN 'BR-012' WHEN 'DELIVERED' THEN 'BR-013'
			                ELSE 'BR-016' END,
			OLD.order_no, OLD.status, NEW.status));
	END IF;

	CASE NEW.status
	WHEN 'CONFIRMED' THEN
		v_ok := EXISTS (SELECT 1 FROM oms.payment p
		                WHERE p.order_id = NEW.id AND p.status = 'verified'
		                  AND p.amount_minor = OLD.total_minor AND p.currency = NEW.currency);
		IF NOT v_ok THEN
			PERFORM oms.refuse(format('BR-011: order %s needs a verified payment of its total before it is confirmed',
			                          OLD.order_no));
		END IF;
		NEW.confirmed_at := coalesce(NEW.confirmed_at, clock_timestamp());
	WHEN 'SHIPPED' THEN
		v_ok := EXISTS (SELECT 1 FROM oms.shipment s WHERE s.order_id = NEW.id);
		IF NOT v_ok THEN
			PERFORM oms.refuse(format('BR-012: order %s needs a tracking number before it is shipped', OLD.order_no));
		END IF;
		IF NOT EXISTS (SELECT 1 FROM oms.order_item i WHERE i.order_id = NEW.id AND i.cancelled_qty < i.qty) THEN
			PERFORM oms.refuse(format('BR-015: every unit of order %s is cancelled; nothing is left to ship',
			                          OLD.order_no));
		END IF;
		NEW.shipped_at := coalesce(NEW.shipped_at, clock_timestamp());
	WHEN 'DELIVERED' THEN
		v_ok := EXISTS (SELECT 1 FROM oms.shipment s JOIN oms.shipment_event e ON e.shipment_id = s.id
		                WHERE s.order_id = NEW.id AND e.status = 'delivered');
		IF NOT v_ok THEN
			PERFORM oms.refuse(format('BR-013: order %s needs a delivery confirmation from the carrier',
			                          OLD.order_no));
		END IF;
		NEW.delivered_at := coalesce(NEW.delivered_at, clock_timestamp());
	WHEN 'CANCELLED' THEN
		v_ok := EXISTS (SELECT 1 FROM oms.cancellation c WHERE c.order_id = NEW.id AND c.state = 'done');
		IF NOT v_ok THEN
			PERFORM oms.refuse(format('BR-023: order %s can only be cancelled with a recorded reason',
			                          OLD.order_no));
		END IF;
		NEW.cancelled_at := coalesce(NEW.cancelled_at, clock_timestamp());
	ELSE
		NULL;
	END CASE;
	NEW.status_at := clock_timestamp();
	RETURN NEW;
END
$$;

-- Audit rows as in 0003, except: the actor comes only from session_user and
-- oms.staff (never from a setting a function filled from data, such as a
-- carrier's name), and the lock counter oms.orders.version is not a change.
CREATE OR REPLACE FUNCTION oms.audit_row() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_old jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
	v_new jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
	v_row jsonb := coalesce(v_new, v_old);
	v_pk text;
	v_order bigint;
	v_actor text;
BEGIN
	IF TG_OP = 'UPDATE' THEN
		SELECT jsonb_object_agg(o.key, o.value), jsonb_object_agg(o.key, n.value)
		INTO v_old, v_new
		FROM jsonb_each(v_old) o JOIN jsonb_each(v_new) n USING (key)
		WHERE o.value IS DISTINCT FROM n.value
		  AND NOT (TG_TABLE_NAME = 'orders' AND o.key = 'version');
		IF v_new IS NULL THEN
			RETURN NULL;                      -- nothing changed: nothing to say
		END IF;
	END IF;
	IF TG_TABLE_NAME = 'orders' THEN
		v_old := v_old - 'version';
		v_new := v_new - 'version';
	END IF;

	SELECT string_agg(v_row ->> a, ',') INTO v_pk FROM unnest(TG_ARGV) a;

	v_order := CASE TG_TABLE_NAME
		WHEN 'orders' THEN (v_row ->> 'id')::bigint
		WHEN 'shipment_event' THEN (SELECT order_id FROM oms.shipment WHERE id = (v_row ->> 'shipment_id')::bigint)
		WHEN 'cancellation_line' THEN (SELECT order_id FROM oms.cancellation WHERE id = (v_row ->> 'cancellation_id')::bigint)
		WHEN 'return_item' THEN (SELECT order_id FROM oms.return_request WHERE id = (v_row ->> 'return_id')::bigint)
		WHEN 'ticket_message' THEN (SELECT order_id FROM oms.ticket WHERE id = (v_row ->> 'ticket_id')::bigint)
		ELSE (v_row ->> 'order_id')::bigint
	END;

	SELECT CASE WHEN s.role = 'worker' THEN 'worker' ELSE s.full_name END
	INTO v_actor FROM oms.staff s WHERE s.login = session_user;

	INSERT INTO oms.audit_log (staff_name, action, table_name, row_pk, order_id, op, old, new)
	VALUES (v_actor, nullif(current_setting('oms.action', true), ''), TG_TABLE_NAME, v_pk, v_order,
	        TG_OP, v_old, v_new);
	RETURN NULL;
END
$$;

-- ---------------------------------------------------------------------------
-- Cancellation

-- The verdict as in 0006, with the window read from the clock.
CREATE OR REPLACE FUNCTION oms.cancel_verdict(p_order oms.orders, p_role text, p_seller_id bigint,
	OUT verdict text, OUT reason text, OUT needs_override boolean)
LANGUAGE plpgsql STABLE
AS $$
DECLARE
	v_closes timestamptz := p_order.placed_at + oms.policy_get('cancel_window')::interval;
BEGIN
	needs_override := false;
	verdict := 'refused';
	IF p_role IS NULL OR p_role NOT IN ('csr', 'fulfilment', 'admin') THEN
		reason := 'BR-021: only customer service, the seller''s fulfilment staff or an administrator can cancel';
	ELSIF p_role = 'fulfilment' AND p_order.seller_id IS DISTINCT FROM p_seller_id THEN
		reason := 'BR-021: this order belongs to another seller';
	ELSIF p_order.status = 'CANCELLED' THEN
		reason := format('BR-015: order %s is already cancelled', p_order.order_no);
	ELSIF p_order.status NOT IN ('PENDING', 'CONFIRMED') THEN
		reason := format('BR-022: order %s is %s; only PENDING or CONFIRMED orders can be cancelled (BR-014), use a return instead',
		                 p_order.order_no, p_order.status);
	ELSIF EXISTS (SELECT 1 FROM oms.cancellation c
	              WHERE c.order_id = p_order.id AND c.state = 'pending_approval') THEN
		reason := format('a cancellation of order %s is already waiting for approval', p_order.order_no);
	ELSIF p_order.status = 'PENDING' THEN
		verdict := 'allowed';
		reason := 'BR-020: not paid yet, cancels at once';
	ELSIF clock_timestamp() < v_closes THEN
		verdict := 'allowed';
		reason := format('BR-021: within the cancellation window (until %s)', to_char(v_closes, 'YYYY-MM-DD HH24:MI TZ'));
	ELSIF p_role = 'fulfilment' THEN
		verdict := 'allowed';
		reason := 'BR-025: after the window; the seller''s own staff approve by cancelling';
	ELSE
		verdict := 'needs_approval';
		needs_override := (p_role = 'admin');
		reason := format('BR-025: the cancellation window closed at %s; the seller or an administrator must approve%s',
		                 to_char(v_closes, 'YYYY-MM-DD HH24:MI TZ'),
		                 CASE WHEN p_role = 'admin' THEN ' (or override with a reason, BR-026)' ELSE '' END);
	END IF;
END
$$;

-- As in 0007, with the clock.
CREATE OR REPLACE FUNCTION oms.grant_refund(p_order oms.orders, p_cancellation_id bigint, p_amount bigint,
                                            p_reason text, p_note text, p_approval text) RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
	v_id bigint;
	v_key uuid;
BEGIN
	INSERT INTO oms.refund (order_id, cancellation_id, amount_minor, currency, reason, note,
	                        approval, approved_by, approved_at)
	VALUES (p_order.id, p_cancellation_id, p_amount, p_order.currency, p_reason, p_note, p_approval,
	        CASE WHEN p_approval = 'approved' THEN session_user END,
	        CASE WHEN p_approval IN ('auto', 'approved') THEN clock_timestamp() END)
	RETURNING id, idempotency_key INTO v_id, v_key;
	IF p_approval IN ('auto', 'approved') THEN
		PERFORM oms.enqueue('refund', 'refund:' || v_id, p_order.id, v_id,
			jsonb_build_object('refund_id', v_id, 'order_no', p_order.order_no, 'amount_minor', p_amount,
			                   'currency', p_order.currency, 'idempotency_key', v_key,
			                   'payment_ref', (SELECT provider_ref FROM oms.payment WHERE order_id = p_order.id)));
	END IF;
	RETURN v_id;
END
$$;

-- As in 0011, and: when the cancellation leaves no unit, the refunds still
-- waiting for approval are settled first (rejected, "superseded by
-- cancellation N"), so that the cancellation's refund is everything left:
-- the customer gets all that was paid, exactly once, whatever the order of
-- decisions.
CREATE OR REPLACE FUNCTION oms.apply_cancellation(p_cancel oms.cancellation, p_order oms.orders, p_role text)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
	v_all boolean;
	v_amount bigint;
	v_approval text;
	v_refund bigint;
	v_event jsonb := jsonb_build_object('order_no', p_order.order_no, 'cancellation_id', p_cancel.id,
	                                    'scope', p_cancel.scope, 'reason_code', p_cancel.reason_code);
BEGIN
	IF p_cancel.scope = 'order' THEN               -- record what "the whole order" was
		INSERT INTO oms.cancellation_line (cancellation_id, order_item_id, qty)
		SELECT p_cancel.id, i.id, i.qty - i.cancelled_qty
		FROM oms.order_item i WHERE i.order_id = p_order.id AND i.cancelled_qty < i.qty;
	END IF;
	SELECT r.cancels_order INTO v_all
	FROM oms.lines_refund(p_order.id, oms.cancellation_lines_json(p_cancel.id)) r;
	IF v_all THEN
		UPDATE oms.refund r
		SET approval = 'rejected', approved_by = session_user, approved_at = clock_timestamp(),
		    decision_note = format('superseded by cancellation %s: the order''s refund covers all that was left',
		                           p_cancel.id)
		WHERE r.order_id = p_order.id AND r.approval = 'pending';
	END IF;
	SELECT r.refund_minor INTO v_amount
	FROM oms.lines_refund(p_order.id, oms.cancellation_lines_json(p_cancel.id)) r;

	UPDATE oms.order_item i SET cancelled_qty = i.cancelled_qty + cl.qty
	FROM oms.cancellation_line cl
	WHERE cl.cancellation_id = p_cancel.id AND cl.order_item_id = i.id;

	v_all := NOT EXISTS (SELECT 1 FROM oms.order_item i WHERE i.order_id = p_order.id AND i.cancelled_qty < i.qty);
	IF v_all THEN
		UPDATE oms.orders SET status = 'CANCELLED' WHERE id = p_order.id;
	END IF;

	IF v_amount > 0 THEN
		v_approval := CASE
			WHEN p_cancel.within_window OR (p_role = 'fulfilment' AND p_cancel.requested_by = session_user
			                                AND v_all) THEN 'auto'
			WHEN v_all OR p_role = 'admin' THEN 'approved'
			ELSE 'pending' END;
		v_refund := oms.grant_refund(p_order, p_cancel.id, v_amount, 'cancellation: ' || p_cancel.reason_code,
		                             p_cancel.note, v_approval);
	END IF;

	PERFORM oms.enqueue('mail', 'mail:cancelled:' || p_cancel.id, p_order.id, v_refund,
	                    v_event || jsonb_build_object('template', 'order_cancelled', 'refund_id', v_refund));
	PERFORM oms.enqueue('seller_notify', 'seller_notify:cancelled:' || p_cancel.id, p_order.id, NULL,
	                    v_event || jsonb_build_object('event', 'cancelled', 'seller_id', p_order.seller_id));
	PERFORM oms.enqueue('inventory_release', 'inventory_release:' || p_cancel.id, p_order.id, NULL,
	                    v_event || jsonb_build_object('lines', (
	                        SELECT jsonb_agg(jsonb_build_object('sku', i.sku, 'qty', cl.qty) ORDER BY i.line_no)
	                        FROM oms.cancellation_line cl JOIN oms.order_item i ON i.id = cl.order_item_id
	                        WHERE cl.cancellation_id = p_cancel.id)));
	RETURN v_refund;
END
$$;

-- As in 0011, with the clock, clean text and bounded notes.
CREATE OR REPLACE FUNCTION oms.request_cancellation(p_action text, p_order_no bigint, p_lines jsonb, p_reason text,
	p_note text, p_override_reason text,
	OUT cancellation_id bigint, OUT state text, OUT refund_id bigint)
LANGUAGE plpgsql
AS $$
DECLARE
	v_role constant text := oms.begin_action(p_action, 'csr', 'fulfilment', 'admin');
	v_override constant text := oms.clean_text(p_override_reason);
	v_order oms.orders;
	v_verdict record;
	v_cancel oms.cancellation;
	v_now timestamptz;
BEGIN
	PERFORM oms.check_reason(p_reason, p_note);
	PERFORM oms.check_text_len('an override reason', p_override_reason);
	v_order := oms.lock_order(NULL, p_order_no, v_role);

	-- after the lock: a concurrent winner's change is visible now (or, under
	-- REPEATABLE READ / SERIALIZABLE, the lock raised 40001)
	IF v_order.status = 'CANCELLED' THEN
		RAISE EXCEPTION 'order % is already cancelled', p_order_no USING ERRCODE = 'OM002';
	END IF;
	IF EXISTS (SELECT 1 FROM oms.cancellation c WHERE c.order_id = v_order.id AND c.state = 'pending_approval') THEN
		RAISE EXCEPTION 'a cancellation of order % is already waiting for approval', p_order_no
			USING ERRCODE = 'OM002';
	END IF;
	v_now := clock_timestamp();
	v_verdict := oms.cancel_verdict(v_order, v_role, oms.caller_seller_id());
	IF v_verdict.verdict = 'refused' THEN
		PERFORM oms.refuse(v_verdict.reason);
	END IF;
	IF v_override IS NOT NULL THEN
		IF v_role <> 'admin' THEN
			RAISE EXCEPTION 'BR-026: only an administrator can override the cancellation window'
				USING ERRCODE = '42501';
		ELSIF v_verdict.verdict <> 'needs_approval' THEN
			RAISE EXCEPTION 'BR-026: no override needed: %', v_verdict.reason USING ERRCODE = '22023';
		END IF;
	END IF;

	IF p_lines IS NOT NULL THEN
		PERFORM oms.check_cancel_lines(v_order, p_lines);
	END IF;

	INSERT INTO oms.cancellation (order_id, scope, reason_code, note, state, requested_at, within_window,
	                              decided_by, decided_at, override_reason)
	SELECT v_order.id, CASE WHEN p_lines IS NULL THEN 'order' ELSE 'lines' END, p_reason,
	       oms.clean_text(p_note), s.state, v_now,
	       v_now < v_order.placed_at + oms.policy_get('cancel_window')::interval,
	       CASE WHEN s.state = 'done' THEN session_user END,
	       CASE WHEN s.state = 'done' THEN v_now END, v_override
	FROM (SELECT CASE WHEN v_verdict.verdict = 'allowed' OR v_override IS NOT NULL
	                  THEN 'done' ELSE 'pending_approval' END AS state) s
	RETURNING * INTO v_cancel;

	IF p_lines IS NOT NULL THEN
		INSERT INTO oms.cancellation_line (cancellation_id, order_item_id, qty)
		SELECT v_cancel.id, i.id, (e ->> 'qty')::int
		FROM jsonb_array_elements(p_lines) e
		JOIN oms.order_item i ON i.order_id = v_order.id AND i.line_no = (e ->> 'line_no')::int;
	END IF;

	cancellation_id := v_cancel.id;
	state := v_cancel.state;
	IF v_cancel.state = 'done' THEN
		refund_id := oms.apply_cancellation(v_cancel, v_order, v_role);
	ELSE
		PERFORM oms.enqueue('seller_notify', 'seller_notify:approval:' || v_cancel.id, v_order.id, NULL,
			jsonb_build_object('event', 'cancellation_approval_requested', 'order_no', v_order.order_no,
			                   'cancellation_id', v_cancel.id, 'seller_id', v_order.seller_id));
	END IF;
END
$$;

-- As in 0007, and: whoever asked cannot decide (BR-029); another seller's
-- cancellation is "not found" exactly like one that does not exist.
CREATE OR REPLACE FUNCTION oms_api.decide_cancellation(p_cancellation_id bigint, p_approve boolean, p_note text)
RETURNS TABLE (cancellation_id bigint, state text, refund_id bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	v_role constant text := oms.begin_action('decide_cancellation', 'fulfilment', 'admin');
	v_cancel oms.cancellation;
	v_order oms.orders;
	v_refund bigint;
	v_order_id bigint;
BEGIN
	IF p_approve IS NULL THEN
		RAISE EXCEPTION 'say approve (true) or reject (false)' USING ERRCODE = '22023';
	END IF;
	IF NOT p_approve AND oms.clean_text(p_note) IS NULL THEN
		RAISE EXCEPTION 'rejecting a cancellation needs a note for the customer service' USING ERRCODE = '22023';
	END IF;
	PERFORM oms.check_text_len('a decision note', p_note);
	SELECT c.order_id INTO v_order_id FROM oms.cancellation c WHERE c.id = p_cancellation_id;
	IF NOT FOUND OR (v_role = 'fulfilment' AND NOT EXISTS (
	        SELECT 1 FROM oms.orders o WHERE o.id = v_order_id AND o.seller_id = oms.caller_seller_id())) THEN
		RAISE EXCEPTION 'cancellation % not found', p_cancellation_id USING ERRCODE = 'P0002';
	END IF;
	v_order := oms.lock_order(v_order_id, NULL, v_role);
	SELECT * INTO v_cancel FROM oms.cancellation c WHERE c.id = p_cancellation_id;
	IF v_cancel.state <> 'pending_approval' THEN
		RAISE EXCEPTION 'cancellation % was already decided (%)', p_cancellation_id, v_cancel.state
			USING ERRCODE = 'OM002';
	END IF;
	IF v_cancel.requested_by = session_user THEN
		PERFORM oms.refuse(format('BR-029: cancellation %s was requested by you; another person must decide it%s',
			p_cancellation_id, CASE WHEN v_role = 'admin'
			THEN ' (an administrator cancels at once outside the window with an override reason, BR-026)' ELSE '' END));
	END IF;
	IF p_approve AND v_order.status NOT IN ('PENDING', 'CONFIRMED') THEN
		PERFORM oms.refuse(format('BR-022: order %s is %s now; reject this cancellation and start a return',
		                          v_order.order_no, v_order.status));
	END IF;

	UPDATE oms.cancellation c
	SET state = CASE WHEN p_approve THEN 'done' ELSE 'rejected' END,
	    decided_by = session_user, decided_at = clock_timestamp(), decision_note = oms.clean_text(p_note)
	WHERE c.id = p_cancellation_id
	RETURNING * INTO v_cancel;

	IF p_approve THEN
		v_refund := oms.apply_cancellation(v_cancel, v_order, v_role);
	ELSE
		PERFORM oms.enqueue('mail', 'mail:cancellation_rejected:' || v_cancel.id, v_order.id, NULL,
			jsonb_build_object('template', 'cancellation_rejected', 'order_no', v_order.order_no,
			                   'cancellation_id', v_cancel.id));
	END IF;
	RETURN QUERY SELECT v_cancel.id, v_cancel.state, v_refund;
END
$$;

-- ---------------------------------------------------------------------------
-- Refunds

-- A discretionary (partial) refund, as in 0007, with the client's request
-- key: the same key with the same order, amount, reason and note returns
-- the first request's refund and creates nothing; the same key with other
-- parameters is refused (22023). NULL: no key (psql).
DROP FUNCTION oms_api.request_refund(bigint, bigint, text, text);
CREATE FUNCTION oms_api.request_refund(p_order_no bigint, p_amount_minor bigint, p_reason text,
                                       p_note text DEFAULT NULL, p_request_key uuid DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('request_refund', 'csr', 'admin');
	v_reason constant text := oms.clean_text(p_reason);
	v_note constant text := oms.clean_text(p_note);
	v_order oms.orders;
	v_prior oms.refund;
	v_left bigint;
	v_id bigint;
BEGIN
	IF p_amount_minor IS NULL OR p_amount_minor <= 0 THEN
		RAISE EXCEPTION 'a refund amount must be positive' USING ERRCODE = '22023';
	END IF;
	IF v_reason IS NULL THEN
		RAISE EXCEPTION 'a refund needs a reason' USING ERRCODE = '22023';
	END IF;
	PERFORM oms.check_text_len('a refund reason', p_reason);
	PERFORM oms.check_text_len('a note', p_note);
	v_order := oms.lock_order(NULL, p_order_no, v_role);

	-- a retry of the same request (same key): the first answer, once
	IF p_request_key IS NOT NULL THEN
		SELECT * INTO v_prior FROM oms.refund r WHERE r.request_key = p_request_key;
		IF FOUND THEN
			IF v_prior.order_id = v_order.id AND v_prior.amount_minor = p_amount_minor
			   AND v_prior.reason = v_reason AND v_prior.note IS NOT DISTINCT FROM v_note
			   AND v_prior.cancellation_id IS NULL AND v_prior.requested_by = session_user THEN
				RETURN v_prior.id;
			END IF;
			RAISE EXCEPTION 'request key % was used for another refund request; nothing was done', p_request_key
				USING ERRCODE = '22023';
		END IF;
	END IF;

	v_left := oms.refundable_minor(v_order.id);
	IF p_amount_minor > v_left THEN
		PERFORM oms.refuse(format('BR-028: a refund of %s exceeds the %s left to refund on order %s',
		                          p_amount_minor, greatest(v_left, 0), p_order_no));
	END IF;
	v_id := oms.grant_refund(v_order, NULL, p_amount_minor, v_reason, v_note, 'pending');
	IF p_request_key IS NOT NULL THEN
		UPDATE oms.refund SET request_key = p_request_key WHERE id = v_id;
	END IF;
	RETURN v_id;
END
$$;

-- As in 0007, and whoever requested cannot approve (BR-029).
CREATE OR REPLACE FUNCTION oms_api.decide_refund(p_refund_id bigint, p_approve boolean, p_note text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('decide_refund', 'admin');
	v_order oms.orders;
	v_refund oms.refund;
BEGIN
	IF p_approve IS NULL THEN
		RAISE EXCEPTION 'say approve (true) or reject (false)' USING ERRCODE = '22023';
	END IF;
	PERFORM oms.check_text_len('a decision note', p_note);
	IF NOT EXISTS (SELECT 1 FROM oms.refund r WHERE r.id = p_refund_id) THEN
		RAISE EXCEPTION 'refund % not found', p_refund_id USING ERRCODE = 'P0002';
	END IF;
	v_order := oms.lock_order((SELECT r.order_id FROM oms.refund r WHERE r.id = p_refund_id), NULL, v_role);
	SELECT * INTO v_refund FROM oms.refund r WHERE r.id = p_refund_id;
	IF v_refund.approval <> 'pending' THEN
		RAISE EXCEPTION 'refund % was already decided (%)', p_refund_id, v_refund.approval USING ERRCODE = 'OM002';
	END IF;
	IF v_refund.requested_by = session_user THEN
		PERFORM oms.refuse(format('BR-029: refund %s was requested by you; another administrator must decide it',
		                          p_refund_id));
	END IF;
	UPDATE oms.refund r
	SET approval = CASE WHEN p_approve THEN 'approved' ELSE 'rejected' END,
	    approved_by = session_user, approved_at = clock_timestamp(), decision_note = oms.clean_text(p_note)
	WHERE r.id = p_refund_id;
	IF p_approve THEN
		PERFORM oms.enqueue('refund', 'refund:' || v_refund.id, v_order.id, v_refund.id,
			jsonb_build_object('refund_id', v_refund.id, 'order_no', v_order.order_no,
			                   'amount_minor', v_refund.amount_minor, 'currency', v_refund.currency,
			                   'idempotency_key', v_refund.idempotency_key,
			                   'payment_ref', (SELECT provider_ref FROM oms.payment WHERE order_id = v_order.id)));
	END IF;
END
$$;

-- The worker reports what the gateway did. A fact is never refused: a
-- repeated final result is harmless; a final result that changes (the
-- gateway's refund failed after it succeeded, or succeeded after we were
-- told it failed) is recorded as the gateway says and raises an alert;
-- so does a refund whose success makes the money returned exceed what was
-- paid.
CREATE OR REPLACE FUNCTION oms_api.refund_result(p_refund_id bigint, p_status text, p_provider_refund_id text,
                                                 p_message text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('refund_result', 'worker');
	v_order oms.orders;
	v_refund oms.refund;
BEGIN
	IF p_status IS NULL OR p_status NOT IN ('pending', 'succeeded', 'failed', 'canceled') THEN
		RAISE EXCEPTION 'refund status must be pending, succeeded, failed or canceled' USING ERRCODE = '22023';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM oms.refund r WHERE r.id = p_refund_id) THEN
		RAISE EXCEPTION 'refund % not found', p_refund_id USING ERRCODE = 'P0002';
	END IF;
	v_order := oms.lock_order((SELECT r.order_id FROM oms.refund r WHERE r.id = p_refund_id), NULL, v_role);
	SELECT * INTO v_refund FROM oms.refund r WHERE r.id = p_refund_id;
	IF v_refund.status = p_status AND p_status <> 'pending' THEN
		RETURN;                                        -- said twice: fine
	END IF;
	IF v_refund.status IN ('succeeded', 'failed', 'canceled') THEN
		IF p_status = 'pending' THEN
			RETURN;                                    -- a late "pending" after a final answer
		END IF;
		PERFORM oms.raise_alert('refund_result_changed', v_order.id, p_refund_id,
			jsonb_build_object('order_no', v_order.order_no, 'was', v_refund.status, 'now', p_status,
			                   'amount_minor', v_refund.amount_minor, 'currency', v_refund.currency));
	END IF;
	UPDATE oms.refund r
	SET status = p_status,
	    provider_refund_id = coalesce(nullif(p_provider_refund_id, ''), r.provider_refund_id),
	    executed_at = CASE WHEN p_status = 'succeeded' THEN coalesce(r.executed_at, clock_timestamp()) END,
	    last_message = left(p_message, 500)
	WHERE r.id = p_refund_id;
	-- more money returned than was paid: only a fact from outside can say so
	IF p_status = 'succeeded' AND (SELECT coalesce(sum(r.amount_minor), 0) FROM oms.refund r
	                               WHERE r.order_id = v_order.id AND r.status = 'succeeded')
	   > coalesce((SELECT p.amount_minor FROM oms.payment p WHERE p.order_id = v_order.id AND p.status = 'verified'), 0)
	THEN
		PERFORM oms.raise_alert('ledger_overdrawn', v_order.id, p_refund_id,
			jsonb_build_object('order_no', v_order.order_no, 'left_minor', oms.refundable_minor(v_order.id),
			                   'currency', v_order.currency));
	END IF;
	IF p_status IN ('succeeded', 'failed') THEN
		PERFORM oms.enqueue('mail', format('mail:refund_%s:%s', p_status, p_refund_id), v_order.id, p_refund_id,
			jsonb_build_object('template', 'refund_' || p_status, 'order_no', v_order.order_no,
			                   'refund_id', p_refund_id, 'amount_minor', v_refund.amount_minor,
			                   'currency', v_refund.currency));
	END IF;
END
$$;

-- ---------------------------------------------------------------------------
-- Payment (BR-011: one gateway payment pays for one order, in its currency)

-- As in 0008, and a reference that pays another order is refused.
CREATE OR REPLACE FUNCTION oms_api.attach_payment(p_order_no bigint, p_provider_ref text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('attach_payment', 'csr', 'admin');
	v_order oms.orders;
	v_status text;
BEGIN
	IF p_provider_ref IS NULL OR p_provider_ref !~ '^[A-Za-z0-9_-]{3,128}$' THEN
		RAISE EXCEPTION 'payment reference must be 3 to 128 letters, digits, _ or -'
			USING ERRCODE = '22023';
	END IF;
	v_order := oms.lock_order(NULL, p_order_no, v_role);
	SELECT status INTO v_status FROM oms.payment WHERE order_id = v_order.id;
	IF v_status IS NULL THEN
		RAISE EXCEPTION 'order % has no payment', p_order_no USING ERRCODE = 'P0002';
	ELSIF v_status <> 'pending' THEN
		RAISE EXCEPTION 'BR-011: the payment of order % is already %', p_order_no, v_status
			USING ERRCODE = 'OM001';
	END IF;
	IF EXISTS (SELECT 1 FROM oms.payment p WHERE p.provider_ref = p_provider_ref AND p.order_id <> v_order.id) THEN
		PERFORM oms.refuse(format('BR-011: payment %s already pays another order', p_provider_ref));
	END IF;
	UPDATE oms.payment SET provider_ref = p_provider_ref WHERE order_id = v_order.id;
EXCEPTION
	WHEN unique_violation THEN                   -- attached elsewhere at the same moment
		PERFORM oms.refuse(format('BR-011: payment %s already pays another order', p_provider_ref));
END
$$;

-- As in 0007, and: the payment verified must be the one attached to the
-- order (when one is), must not pay another order, and must be in the
-- order's currency (p_currency; NULL from an old worker: not checked here).
DROP FUNCTION oms_api.confirm_payment(bigint, text, bigint);
CREATE FUNCTION oms_api.confirm_payment(p_order_no bigint, p_provider_ref text, p_amount_minor bigint,
                                        p_currency text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
SET lock_timeout = '2s'
AS $$
DECLARE
	v_role constant text := oms.begin_action('confirm_payment', 'worker');
	v_order oms.orders;
	v_payment oms.payment;
	v_cancel bigint;
BEGIN
	v_order := oms.lock_order(NULL, p_order_no, v_role);
	SELECT * INTO v_payment FROM oms.payment p WHERE p.order_id = v_order.id;
	IF v_payment.status = 'verified' THEN
		RAISE EXCEPTION 'payment of order % is already verified', p_order_no USING ERRCODE = 'OM002';
	END IF;
	IF nullif(btrim(p_provider_ref), '') IS NULL THEN
		PERFORM oms.refuse(format('BR-011: a payment of order %s needs the gateway''s reference', p_order_no));
	END IF;
	IF v_payment.provider_ref IS NOT NULL AND v_payment.provider_ref <> p_provider_ref THEN
		PERFORM oms.refuse(format('BR-011: payment %s is not the payment attached to order %s',
		                          p_provider_ref, p_order_no));
	END IF;
	IF EXISTS (SELECT 1 FROM oms.payment p WHERE p.provider_ref = p_provider_ref AND p.order_id <> v_order.id) THEN
		PERFORM oms.refuse(format('BR-011: payment %s already pays another order', p_provider_ref));
	END IF;
	IF p_amount_minor IS DISTINCT FROM v_order.total_minor THEN
		PERFORM oms.refuse(format('BR-011: payment of %s does not match the total %s of order %s',
		                          p_amount_minor, v_order.total_minor, p_order_no));
	END IF;
	IF p_currency IS NOT NULL AND upper(p_currency) <> v_order.currency THEN
		PERFORM oms.refuse(format('BR-011: payment in %s does not match the currency %s of order %s',
		                          upper(left(p_currency, 3)), v_order.currency, p_order_no));
	END IF;
	IF v_order.status NOT IN ('PENDING', 'CANCELLED') THEN
		RAISE EXCEPTION 'order % is already %', p_order_no, v_order.status USING ERRCODE = 'OM002';
	END IF;

	UPDATE oms.payment p
	SET status = 'verified', verified_at = clock_timestamp(), provider_ref = p_provider_ref,
	    amount_minor = p_amount_minor, attempts = p.attempts + 1
	WHERE p.order_id = v_order.id;

	IF v_order.status = 'CANCELLED' THEN
		SELECT max(c.id) INTO v_cancel FROM oms.cancellation c WHERE c.order_id = v_order.id AND c.state = 'done';
		PERFORM oms.grant_refund(v_order, v_cancel, p_amount_minor, 'paid after cancellation', NULL, 'auto');
		RETURN 'CANCELLED';
	END IF;

	UPDATE oms.orders SET status = 'CONFIRMED' WHERE id = v_order.id;
	PERFORM oms.enqueue('mail', 'mail:confirmed:' || p_order_no, v_order.id, NULL,
		jsonb_build_object('template', 'order_confirmed', 'order_no', p_order_no));
	PERFORM oms.enqueue('seller_notify', 'seller_notify:new:' || p_order_no, v_order.id, NULL,
		jsonb_build_object('event', 'new_order', 'order_no', p_order_no, 'seller_id', v_order.seller_id));
	RETURN 'CONFIRMED';
EXCEPTION
	WHEN unique_violation THEN
		PERFORM oms.refuse(format('BR-011: payment %s already pays another order', p_provider_ref));
END
$$;

-- ---------------------------------------------------------------------------
-- Shipping

-- As in 0007, with the clock; an order with no unit left is refused (the
-- status guard refuses it for every writer too), and a tracking number
-- recorded on ANY shipment is refused with the same words whoever's
-- shipment it is (no constraint name, no order, no seller).
CREATE OR REPLACE FUNCTION oms_api.mark_shipped(p_order_no bigint, p_carrier text, p_tracking_no text,
                                                p_service_level text DEFAULT 'ground')
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('mark_shipped', 'fulfilment', 'admin');
	v_order oms.orders;
	v_id bigint;
BEGIN
	IF nullif(btrim(p_tracking_no), '') IS NULL THEN
		PERFORM oms.refuse(format('BR-012: order %s needs a tracking number to be shipped', p_order_no));
	END IF;
	IF nullif(btrim(p_carrier), '') IS NULL THEN
		RAISE EXCEPTION 'name the carrier' USING ERRCODE = '22023';
	END IF;
	v_order := oms.lock_order(NULL, p_order_no, v_role);
	IF v_order.status = 'CANCELLED' THEN
		PERFORM oms.refuse(format('BR-015: order %s is cancelled', p_order_no));
	ELSIF v_order.status = 'PENDING' THEN
		PERFORM oms.refuse(format('BR-011: order %s is not confirmed yet (payment not verified)', p_order_no));
	ELSIF v_order.status <> 'CONFIRMED' THEN
		RAISE EXCEPTION 'order % is already %', p_order_no, v_order.status USING ERRCODE = 'OM002';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM oms.order_item i WHERE i.order_id = v_order.id AND i.cancelled_qty < i.qty) THEN
		PERFORM oms.refuse(format('BR-015: every unit of order %s is cancelled; nothing is left to ship', p_order_no));
	END IF;
	IF EXISTS (SELECT 1 FROM oms.shipment s WHERE s.tracking_no = btrim(p_tracking_no)) THEN
		RAISE EXCEPTION 'BR-012: tracking number % cannot be used for order %; check the number', btrim(p_tracking_no), p_order_no
			USING ERRCODE = '22023';
	END IF;

	INSERT INTO oms.shipment (order_id, carrier, service_level, tracking_no, shipped_at, estimated_delivery)
	VALUES (v_order.id, btrim(p_carrier), coalesce(p_service_level, 'ground'), btrim(p_tracking_no), clock_timestamp(),
	        oms.add_business_days(clock_timestamp()::date, oms.transit_days(coalesce(p_service_level, 'ground'))))
	RETURNING id INTO v_id;
	UPDATE oms.orders SET status = 'SHIPPED' WHERE id = v_order.id;
	PERFORM oms.enqueue('mail', 'mail:shipped:' || v_id, v_order.id, NULL,
		jsonb_build_object('template', 'order_shipped', 'order_no', p_order_no, 'shipment_id', v_id));
	RETURN v_id;
EXCEPTION
	WHEN check_violation OR unique_violation THEN
		IF SQLERRM LIKE '%tracking_no%' THEN
			RAISE EXCEPTION 'BR-012: tracking number % cannot be used for order %; check the number',
				left(btrim(p_tracking_no), 40), p_order_no USING ERRCODE = '22023';
		END IF;
		RAISE;
END
$$;

-- As in 0007, without naming the carrier as the audit actor (the actor is
-- the worker; the carrier's words are in the event's own columns).
CREATE OR REPLACE FUNCTION oms_api.record_tracking_event(p_tracking_no text, p_status text, p_at timestamptz,
                                                         p_location text, p_description text)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('record_tracking_event', 'worker');
	v_ship oms.shipment;
	v_order oms.orders;
	v_target text;
	v_at constant timestamptz := coalesce(p_at, clock_timestamp());
BEGIN
	SELECT * INTO v_ship FROM oms.shipment s WHERE s.tracking_no = p_tracking_no;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no shipment with tracking number %', p_tracking_no USING ERRCODE = 'P0002';
	END IF;
	v_order := oms.lock_order(v_ship.order_id, NULL, v_role);
	SELECT * INTO v_ship FROM oms.shipment s WHERE s.id = v_ship.id;     -- re-read under the lock

	INSERT INTO oms.shipment_event (shipment_id, at, status, location, description)
	VALUES (v_ship.id, v_at, p_status, p_location, p_description)
	ON CONFLICT (shipment_id, at, status) DO NOTHING;
	IF NOT FOUND OR (v_ship.last_event_at IS NOT NULL AND v_at < v_ship.last_event_at) THEN
		RETURN v_order.status;                        -- repeated or late scan
	END IF;

	UPDATE oms.shipment s
	SET status = p_status, last_event_at = v_at, flagged = false, flagged_at = NULL
	WHERE s.id = v_ship.id;

	v_target := CASE p_status
		WHEN 'in_transit' THEN 'IN_TRANSIT'
		WHEN 'out_for_delivery' THEN 'OUT_FOR_DELIVERY'
		WHEN 'delivered' THEN 'DELIVERED'
		WHEN 'failure' THEN 'DELIVERY_EXCEPTION'
		WHEN 'return_to_sender' THEN 'DELIVERY_EXCEPTION'
		WHEN 'error' THEN 'DELIVERY_EXCEPTION'
	END;
	IF v_target IS NOT NULL AND v_target <> v_order.status
	   AND EXISTS (SELECT 1 FROM oms.order_transition t WHERE t.from_status = v_order.status AND t.to_status = v_target) THEN
		UPDATE oms.orders SET status = v_target WHERE id = v_order.id;
		IF v_target IN ('OUT_FOR_DELIVERY', 'DELIVERED', 'DELIVERY_EXCEPTION') THEN
			PERFORM oms.enqueue('mail', format('mail:%s:%s', lower(v_target), v_ship.id), v_order.id, NULL,
				jsonb_build_object('template', 'order_' || lower(v_target), 'order_no', v_order.order_no,
				                   'shipment_id', v_ship.id));
		END IF;
		RETURN v_target;
	END IF;
	RETURN v_order.status;
END
$$;

-- As in 0010, with the clock.
CREATE OR REPLACE FUNCTION oms_api.flag_stuck_shipments() RETURNS int
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('flag_stuck_shipments', 'worker', 'admin');
	v_cutoff constant timestamptz :=
		clock_timestamp() - make_interval(hours => oms.policy_get('stuck_shipment_hours')::int);
	v_ids bigint[];
	v_n int := 0;
	r record;
BEGIN
	SELECT coalesce(array_agg(x.id), '{}') INTO v_ids FROM (
		SELECT s.id FROM oms.shipment s JOIN oms.orders o ON o.id = s.order_id
		WHERE s.status NOT IN ('delivered', 'return_to_sender', 'cancelled') AND NOT s.flagged
		  AND coalesce(s.last_event_at, s.shipped_at) < v_cutoff
		ORDER BY s.id
		FOR UPDATE OF s SKIP LOCKED
		FOR KEY SHARE OF o SKIP LOCKED) x;

	FOR r IN
		UPDATE oms.shipment s
		SET flagged = true, flagged_at = clock_timestamp(),
		    estimated_delivery = greatest(s.estimated_delivery,
		        oms.add_business_days(clock_timestamp()::date, oms.transit_days(s.service_level)))
		WHERE s.id = ANY (v_ids)
		RETURNING s.id, s.order_id, s.estimated_delivery
	LOOP
		v_n := v_n + 1;
		PERFORM oms.enqueue('mail', 'mail:delayed:' || r.id, o.id, NULL,
			jsonb_build_object('template', 'order_delayed', 'order_no', o.order_no,
			                   'shipment_id', r.id,
			                   'estimated_delivery', to_char(r.estimated_delivery, 'YYYY-MM-DD')))
		FROM oms.orders o
		WHERE o.id = r.order_id AND o.status IN ('SHIPPED', 'IN_TRANSIT', 'OUT_FOR_DELIVERY');
	END LOOP;
	RETURN v_n;
END
$$;

-- The worker's functions never wait long on a row a staff session holds
-- (an abandoned `BEGIN; SELECT oms_api.request_refund(...)` in psql): after
-- 2 s they raise 55P03 and the worker gives the job back and goes on.
ALTER FUNCTION oms_api.payment_failed(bigint, text) SET lock_timeout = '2s';
ALTER FUNCTION oms_api.record_tracking_event(text, text, timestamptz, text, text) SET lock_timeout = '2s';
ALTER FUNCTION oms_api.refund_result(bigint, text, text, text) SET lock_timeout = '2s';
ALTER FUNCTION oms_api.flag_stuck_shipments() SET lock_timeout = '2s';
ALTER FUNCTION oms_api.outbox_claim(text, int) SET lock_timeout = '2s';
ALTER FUNCTION oms_api.outbox_done(bigint, jsonb) SET lock_timeout = '2s';
ALTER FUNCTION oms_api.outbox_retry_later(bigint, text, bigint) SET lock_timeout = '2s';
ALTER FUNCTION oms_api.outbox_dead(bigint, text) SET lock_timeout = '2s';
ALTER FUNCTION oms_api.outbox_release(bigint, bigint, text) SET lock_timeout = '2s';

-- ---------------------------------------------------------------------------
-- Checkout: bounded quantities and totals

-- As in 0007, with max_line_qty per line and max_order_total_minor per order.
CREATE OR REPLACE FUNCTION oms_api.place_checkout(p_customer_id bigint, p_address_id bigint, p_lines jsonb,
                                                  p_currency text DEFAULT 'USD')
RETURNS TABLE (order_no bigint, seller_id bigint, total_minor bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	v_role constant text := oms.begin_action('place_checkout', 'csr', 'admin');
	v_max_qty constant int := oms.policy_get('max_line_qty')::int;
	v_max_total constant bigint := oms.policy_get('max_order_total_minor')::bigint;
	v_ship_to jsonb;
	v_checkout bigint;
	v_bad text;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM oms.customer c WHERE c.id = p_customer_id) THEN
		PERFORM oms.refuse(format('BR-004: customer %s does not exist', p_customer_id));
	END IF;
	SELECT jsonb_build_object('name', a.name, 'line1', a.line1, 'line2', a.line2, 'city', a.city,
	                          'region', a.region, 'postal_code', a.postal_code, 'country', a.country)
	INTO v_ship_to
	FROM oms.address a WHERE a.id = p_address_id AND a.customer_id = p_customer_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'address % is not an address of customer %', p_address_id, p_customer_id
			USING ERRCODE = '22023';
	END IF;
	IF p_lines IS NULL OR jsonb_typeof(p_lines) <> 'array' OR jsonb_array_length(p_lines) = 0 THEN
		PERFORM oms.refuse('BR-001: an order needs at least 1 item');
	END IF;
	IF jsonb_array_length(p_lines) > oms.policy_get('max_order_items')::int THEN
		PERFORM oms.refuse(format('BR-002: an order may have at most %s items, this one has %s',
		                          oms.policy_get('max_order_items'), jsonb_array_length(p_lines)));
	END IF;
	SELECT string_agg(left(e::text, 80), ', ') INTO v_bad FROM jsonb_array_elements(p_lines) e
	WHERE jsonb_typeof(e -> 'item_id') IS DISTINCT FROM 'number' OR jsonb_typeof(e -> 'qty') IS DISTINCT FROM 'number'
	   OR (e ->> 'qty')::numeric < 1 OR (e ->> 'qty')::numeric <> trunc((e ->> 'qty')::numeric)
	   OR (e ->> 'item_id')::numeric <> trunc((e ->> 'item_id')::numeric)
	   OR (e ->> 'item_id')::numeric NOT BETWEEN 1 AND 9223372036854775807;
	IF v_bad IS NOT NULL THEN
		RAISE EXCEPTION 'each line needs an item_id and a whole qty >= 1: %', v_bad USING ERRCODE = '22023';
	END IF;
	SELECT string_agg(x.item_id::text, ', ') INTO v_bad FROM (
		SELECT (e ->> 'item_id')::bigint AS item_id FROM jsonb_array_elements(p_lines) e
		GROUP BY 1 HAVING sum((e ->> 'qty')::numeric) > v_max_qty) x;
	IF v_bad IS NOT NULL THEN
		RAISE EXCEPTION 'at most % units of one item in an order (policy max_line_qty); item(s) % ask for more',
			v_max_qty, v_bad USING ERRCODE = '22023';
	END IF;
	-- under REPEATABLE READ / SERIALIZABLE an item retired after the
	-- snapshot raises 40001 here instead of being sold (BR-005)
	IF current_setting('transaction_isolation') <> 'read committed' THEN
		PERFORM 1 FROM oms.item i
		WHERE i.id IN (SELECT (e ->> 'item_id')::bigint FROM jsonb_array_elements(p_lines) e)
		ORDER BY i.id FOR SHARE;
	END IF;
	SELECT string_agg(DISTINCT (e ->> 'item_id'), ', ') INTO v_bad
	FROM jsonb_array_elements(p_lines) e
	LEFT JOIN oms.item i ON i.id = (e ->> 'item_id')::bigint
	WHERE i.id IS NULL OR NOT i.active;
	IF v_bad IS NOT NULL THEN
		PERFORM oms.refuse(format('BR-005: item(s) %s not active (or unknown)', v_bad));
	END IF;
	SELECT string_agg(DISTINCT i.sku, ', ') INTO v_bad
	FROM jsonb_array_elements(p_lines) e JOIN oms.item i ON i.id = (e ->> 'item_id')::bigint
	WHERE i.currency <> p_currency;
	IF v_bad IS NOT NULL THEN
		RAISE EXCEPTION 'item(s) % are not sold in %', v_bad, p_currency USING ERRCODE = '22023';
	END IF;
	IF EXISTS (SELECT 1 FROM jsonb_array_elements(p_lines) e JOIN oms.item i ON i.id = (e ->> 'item_id')::bigint
	           GROUP BY i.seller_id HAVING sum((e ->> 'qty')::numeric * i.price_minor) > v_max_total) THEN
		RAISE EXCEPTION 'an order may total at most % minor units (policy max_order_total_minor)', v_max_total
			USING ERRCODE = '22023';
	END IF;

	INSERT INTO oms.checkout (customer_id, address_id, currency)
	VALUES (p_customer_id, p_address_id, p_currency) RETURNING id INTO v_checkout;

	RETURN QUERY
	WITH req AS (                            -- the same item twice is one line
		SELECT (e ->> 'item_id')::bigint AS item_id, sum((e ->> 'qty')::int) AS qty, min(n) AS n
		FROM jsonb_array_elements(p_lines) WITH ORDINALITY AS t(e, n)
		GROUP BY 1
	), lines AS (
		SELECT i.seller_id, i.id AS item_id, i.sku, i.name, r.qty, i.price_minor, r.n
		FROM req r JOIN oms.item i ON i.id = r.item_id
	), per_seller AS (
		SELECT l.seller_id, sum(l.qty * l.price_minor) AS subtotal, min(l.n) AS n
		FROM lines l GROUP BY l.seller_id
	), ins AS (
		INSERT INTO oms.orders (checkout_id, customer_id, seller_id, currency, subtotal_minor, shipping_minor,
		                        ship_address_id, ship_to)
		SELECT v_checkout, p_customer_id, ps.seller_id, p_currency, ps.subtotal,
		       CASE WHEN s.free_shipping_over_minor IS NOT NULL AND ps.subtotal >= s.free_shipping_over_minor
		            THEN 0 ELSE s.shipping_flat_minor END,
		       p_address_id, v_ship_to
		FROM per_seller ps JOIN oms.seller s ON s.id = ps.seller_id
		ORDER BY ps.n
		RETURNING id, order_no, seller_id, total_minor
	), items AS (
		INSERT INTO oms.order_item (order_id, line_no, item_id, sku, name, qty, unit_price_minor)
		SELECT ins.id, row_number() OVER (PARTITION BY l.seller_id ORDER BY l.n), l.item_id, l.sku, l.name,
		       l.qty, l.price_minor
		FROM lines l JOIN ins ON ins.seller_id = l.seller_id
	), pay AS (
		INSERT INTO oms.payment (order_id, amount_minor, currency)
		SELECT ins.id, ins.total_minor, p_currency FROM ins
	), jobs AS (
		INSERT INTO oms.outbox (kind, dedupe_key, order_id, payload)
		SELECT 'payment_verify', 'payment_verify:' || ins.order_no, ins.id,
		       jsonb_build_object('order_no', ins.order_no, 'checkout_id', v_checkout,
		                          'amount_minor', ins.total_minor, 'currency', p_currency)
		FROM ins
	)
	SELECT ins.order_no, ins.seller_id, ins.total_minor FROM ins ORDER BY ins.order_no;
EXCEPTION
	WHEN check_violation THEN
		IF SQLERRM LIKE '%orders_total_positive%' THEN    -- BR-003 (all items free, no shipping)
			PERFORM oms.refuse('BR-003: an order total must be positive');
		END IF;
		RAISE;
END
$$;

-- ---------------------------------------------------------------------------
-- Alerts (administrators)

CREATE FUNCTION oms_api.alerts(p_open_only boolean DEFAULT true, p_limit int DEFAULT 50)
RETURNS TABLE (id bigint, at timestamptz, kind text, order_no bigint, refund_id bigint, detail jsonb,
               resolved_by text, resolved_at timestamptz, note text)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = oms, pg_catalog, pg_temp
AS $$
SELECT a.id, a.at, a.kind, o.order_no, a.refund_id, a.detail, a.resolved_by, a.resolved_at, a.note
FROM oms.alert a LEFT JOIN oms.orders o ON o.id = a.order_id
WHERE NOT coalesce(p_open_only, true) OR a.resolved_at IS NULL
ORDER BY a.id DESC
LIMIT least(greatest(coalesce(p_limit, 50), 1), 1000)
$$;

CREATE FUNCTION oms_api.alert_resolve(p_id bigint, p_note text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM oms.begin_action('alert_resolve', 'admin');
	IF oms.clean_text(p_note) IS NULL THEN
		RAISE EXCEPTION 'say what was done about the alert' USING ERRCODE = '22023';
	END IF;
	PERFORM oms.check_text_len('a note', p_note);
	UPDATE oms.alert SET resolved_by = session_user, resolved_at = clock_timestamp(), note = oms.clean_text(p_note)
	WHERE id = p_id AND resolved_at IS NULL;
	IF NOT FOUND THEN
		IF EXISTS (SELECT 1 FROM oms.alert WHERE id = p_id) THEN
			RAISE EXCEPTION 'alert % is resolved already', p_id USING ERRCODE = 'OM002';
		END IF;
		RAISE EXCEPTION 'alert % not found', p_id USING ERRCODE = 'P0002';
	END IF;
END
$$;

-- ---------------------------------------------------------------------------
-- Names of staff on an order's requests and decisions. Fulfilment reads no
-- staff row but its own seller's (see below); the person who asked for or
-- decided a cancellation or refund of an order it may see is still named
-- to it, and nobody else. Analysts get no names.
CREATE FUNCTION oms.staff_name_for(p_login text, p_order_id bigint) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
RETURN (SELECT s.full_name FROM oms.staff s
        WHERE s.login = p_login
          AND (oms.caller_role() IN ('csr', 'admin', 'worker')
               OR (oms.caller_role() = 'fulfilment'
                   AND EXISTS (SELECT 1 FROM oms.orders o
                               WHERE o.id = p_order_id AND o.seller_id = oms.caller_seller_id())
                   AND (EXISTS (SELECT 1 FROM oms.cancellation c WHERE c.order_id = p_order_id
                                AND p_login IN (c.requested_by, c.decided_by))
                        OR EXISTS (SELECT 1 FROM oms.refund r WHERE r.order_id = p_order_id
                                   AND p_login IN (r.requested_by, r.approved_by))))));

-- What a cancellation that leaves no unit refunds: everything paid minus
-- what is granted (auto or approved) and not failed. The refunds still
-- waiting for approval are settled by it (apply_cancellation), so they do
-- not count.
CREATE FUNCTION oms.refundable_settled_minor(p_order_id bigint) RETURNS bigint
LANGUAGE sql STABLE
RETURN coalesce((SELECT p.amount_minor FROM oms.payment p
                 WHERE p.order_id = p_order_id AND p.status = 'verified'), 0)
     - coalesce((SELECT sum(r.amount_minor) FROM oms.refund r
                 WHERE r.order_id = p_order_id
                   AND r.approval IN ('auto', 'approved')
                   AND r.status NOT IN ('failed', 'canceled')), 0);

-- As in 0011: the refund of cancelling some lines; when no unit would be
-- left, all that is left after settling the pending refunds.
CREATE OR REPLACE FUNCTION oms.lines_refund(p_order_id bigint, p_lines jsonb,
	OUT refund_minor bigint, OUT cancels_order boolean)
LANGUAGE sql STABLE
AS $$
	WITH wanted AS (
		SELECT (e ->> 'line_no')::int AS line_no, sum((e ->> 'qty')::int) AS qty
		FROM jsonb_array_elements(coalesce(p_lines, '[]'::jsonb)) e
		GROUP BY 1),
	item AS (
		SELECT i.unit_price_minor, i.qty - i.cancelled_qty AS left_qty,
		       CASE WHEN p_lines IS NULL THEN i.qty - i.cancelled_qty ELSE coalesce(w.qty, 0) END AS take
		FROM oms.order_item i LEFT JOIN wanted w ON w.line_no = i.line_no
		WHERE i.order_id = p_order_id),
	outcome AS (
		SELECT coalesce(bool_and(take >= left_qty), false) AS nothing_left,
		       coalesce(sum(take * unit_price_minor), 0)::bigint AS value
		FROM item)
	SELECT greatest(CASE WHEN nothing_left THEN oms.refundable_settled_minor(p_order_id)
	                     ELSE least(oms.refundable_minor(p_order_id), value) END, 0),
	       nothing_left
	FROM outcome
$$;

-- As in 0006: the whole order's refund is the settled amount.
CREATE OR REPLACE FUNCTION oms_api.cancel_eligibility(p_order_no bigint)
RETURNS TABLE (verdict text, reason text, refund_minor bigint, currency text, needs_override boolean)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = oms, pg_catalog, pg_temp
AS $$
SELECT v.verdict, v.reason,
       CASE WHEN v.verdict = 'refused' THEN 0 ELSE greatest(oms.refundable_settled_minor(o.id), 0) END,
       o.currency::text, v.needs_override
FROM oms.orders o,
     oms.cancel_verdict(o, oms.caller_role(), oms.caller_seller_id()) v
WHERE o.order_no = p_order_no
$$;

-- As in 0011, naming the requester through oms.staff_name_for.
CREATE OR REPLACE FUNCTION oms_api.pending_cancellations(p_limit int DEFAULT 50, p_after_id bigint DEFAULT NULL)
RETURNS TABLE (cancellation_id bigint, order_no bigint, seller_name text, status text,
               requested_at timestamptz, requested_by text, reason_code text, reason_label text,
               note text, refund_minor bigint, currency text)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = oms, pg_catalog, pg_temp
AS $$
SELECT c.id, o.order_no, s.name, o.status, c.requested_at,
       coalesce(oms.staff_name_for(c.requested_by, o.id), c.requested_by),
       c.reason_code, cr.label, c.note,
       (oms.lines_refund(o.id, CASE WHEN c.scope = 'lines' THEN oms.cancellation_lines_json(c.id) END)).refund_minor,
       o.currency::text
FROM oms.cancellation c
JOIN oms.orders o ON o.id = c.order_id
JOIN oms.seller s ON s.id = o.seller_id
JOIN oms.cancellation_reason cr ON cr.code = c.reason_code
WHERE c.state = 'pending_approval'
  AND (p_after_id IS NULL OR c.id > p_after_id)
ORDER BY c.id
LIMIT least(greatest(coalesce(p_limit, 50), 1), 500)
$$;

-- As in 0009, naming the requester through oms.staff_name_for.
CREATE OR REPLACE FUNCTION oms_api.pending_refunds(p_limit int DEFAULT 50, p_after_id bigint DEFAULT NULL)
RETURNS TABLE (refund_id bigint, order_no bigint, seller_name text, status text,
               requested_at timestamptz, requested_by text, reason text, note text,
               amount_minor bigint, refundable_minor bigint, currency text)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = oms, pg_catalog, pg_temp
AS $$
SELECT r.id, o.order_no, s.name, o.status, r.created_at,
       coalesce(oms.staff_name_for(r.requested_by, o.id), r.requested_by),
       r.reason, r.note, r.amount_minor, greatest(oms.refundable_minor(o.id), 0), r.currency::text
FROM oms.refund r
JOIN oms.orders o ON o.id = r.order_id
JOIN oms.seller s ON s.id = o.seller_id
WHERE r.approval = 'pending'
  AND (p_after_id IS NULL OR r.id > p_after_id)
ORDER BY r.id
LIMIT least(greatest(coalesce(p_limit, 50), 1), 500)
$$;

-- As in 0009, naming the requester and approver through oms.staff_name_for.
CREATE OR REPLACE FUNCTION oms_api.refund_card(p_id bigint) RETURNS jsonb
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = oms, pg_catalog, pg_temp
AS $$
SELECT jsonb_build_object(
	'id', r.id, 'order_no', o.order_no, 'cancellation_id', r.cancellation_id,
	'amount_minor', r.amount_minor, 'currency', r.currency, 'status', r.status, 'approval', r.approval,
	'reason', r.reason, 'note', r.note,
	'requested_by', r.requested_by, 'requested_by_name', oms.staff_name_for(r.requested_by, o.id),
	'approved_by', r.approved_by, 'approved_by_name', oms.staff_name_for(r.approved_by, o.id),
	'created_at', date_trunc('second', r.created_at), 'approved_at', date_trunc('second', r.approved_at),
	'executed_at', date_trunc('second', r.executed_at),
	'provider_refund_id', r.provider_refund_id, 'decision_note', r.decision_note,
	'last_message', r.last_message,
	'order_refundable_minor', greatest(oms.refundable_minor(o.id), 0))
FROM oms.refund r
JOIN oms.orders o ON o.id = r.order_id
WHERE r.id = p_id
$$;

-- As in 0006, naming the cancellations' people through oms.staff_name_for.
CREATE OR REPLACE FUNCTION oms_api.order_card(p_order_no bigint) RETURNS jsonb
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = oms, pg_catalog, pg_temp
AS $$
SELECT jsonb_build_object(
	'order_no', o.order_no, 'status', o.status, 'status_at', o.status_at,
	'placed_at', o.placed_at, 'confirmed_at', o.confirmed_at, 'shipped_at', o.shipped_at,
	'delivered_at', o.delivered_at, 'cancelled_at', o.cancelled_at,
	'seller', jsonb_build_object('id', s.id, 'name', s.name),
	'customer', (SELECT jsonb_build_object('id', c.id, 'full_name', c.full_name, 'email', c.email, 'phone', c.phone)
	             FROM oms.customer c WHERE c.id = o.customer_id),
	'currency', o.currency, 'subtotal_minor', o.subtotal_minor, 'shipping_minor', o.shipping_minor,
	'total_minor', o.total_minor, 'refundable_minor', oms.refundable_minor(o.id),
	'ship_to', o.ship_to,
	'lines', coalesce((
		SELECT jsonb_agg(jsonb_build_object('line_no', i.line_no, 'sku', i.sku, 'name', i.name, 'qty', i.qty,
		                 'unit_price_minor', i.unit_price_minor, 'line_total_minor', i.line_total_minor,
		                 'cancelled_qty', i.cancelled_qty) ORDER BY i.line_no)
		FROM oms.order_item i WHERE i.order_id = o.id), '[]'),
	'payment', (SELECT jsonb_build_object('status', p.status, 'provider_ref', p.provider_ref,
	                   'amount_minor', p.amount_minor, 'verified_at', p.verified_at, 'attempts', p.attempts)
	            FROM oms.payment p WHERE p.order_id = o.id),
	'refunds', coalesce((
		SELECT jsonb_agg(jsonb_build_object('id', r.id, 'amount_minor', r.amount_minor, 'status', r.status,
		                 'approval', r.approval, 'reason', r.reason, 'created_at', r.created_at,
		                 'executed_at', r.executed_at, 'provider_refund_id', r.provider_refund_id) ORDER BY r.id)
		FROM oms.refund r WHERE r.order_id = o.id), '[]'),
	'shipments', coalesce((
		SELECT jsonb_agg(jsonb_build_object('id', sh.id, 'carrier', sh.carrier, 'service_level', sh.service_level,
		                 'tracking_no', sh.tracking_no, 'status', sh.status, 'shipped_at', sh.shipped_at,
		                 'estimated_delivery', sh.estimated_delivery, 'flagged', sh.flagged,
		                 'events', coalesce((
		                     SELECT jsonb_agg(jsonb_build_object('at', e.at, 'status', e.status,
		                                      'location', e.location, 'description', e.description) ORDER BY e.at, e.id)
		                     FROM oms.shipment_event e WHERE e.shipment_id = sh.id), '[]')) ORDER BY sh.id)
		FROM oms.shipment sh WHERE sh.order_id = o.id), '[]'),
	'cancellations', coalesce((
		SELECT jsonb_agg(jsonb_build_object('id', ca.id, 'scope', ca.scope, 'reason_code', ca.reason_code,
		                 'reason_label', cr.label, 'note', ca.note, 'state', ca.state,
		                 'requested_by', coalesce(oms.staff_name_for(ca.requested_by, o.id), ca.requested_by),
		                 'requested_at', ca.requested_at,
		                 'decided_by', coalesce(oms.staff_name_for(ca.decided_by, o.id), ca.decided_by),
		                 'decided_at', ca.decided_at,
		                 'decision_note', ca.decision_note, 'override_reason', ca.override_reason) ORDER BY ca.id)
		FROM oms.cancellation ca
		JOIN oms.cancellation_reason cr ON cr.code = ca.reason_code
		WHERE ca.order_id = o.id), '[]'),
	-- one timeline entry per transaction and action, naming the actor
	'timeline', coalesce((
		SELECT jsonb_agg(jsonb_build_object('at', t.at, 'actor', t.actor, 'action', t.action, 'detail', t.detail)
		                 ORDER BY t.at)
		FROM (SELECT min(a.at) AS at, coalesce(a.staff_name, a.db_user) AS actor, a.action,
		             string_agg(oms.audit_detail(a.table_name, a.op, a.old, a.new), '; ' ORDER BY a.id) AS detail
		      FROM oms.audit_log a WHERE a.order_id = o.id
		      GROUP BY a.txid, coalesce(a.staff_name, a.db_user), a.action) t
		WHERE t.detail IS NOT NULL), '[]'))
FROM oms.orders o
JOIN oms.seller s ON s.id = o.seller_id
WHERE o.order_no = p_order_no
$$;

-- ---------------------------------------------------------------------------
-- Fulfilment sees its own seller: its staff, its seller row, its items.

ALTER TABLE oms.staff ENABLE ROW LEVEL SECURITY;
ALTER TABLE oms.seller ENABLE ROW LEVEL SECURITY;
ALTER TABLE oms.item ENABLE ROW LEVEL SECURITY;
CREATE POLICY all_rows ON oms.staff FOR SELECT TO oms_csr, oms_admin, oms_worker USING (true);
CREATE POLICY all_rows ON oms.seller FOR SELECT TO oms_csr, oms_admin, oms_worker USING (true);
CREATE POLICY all_rows ON oms.item FOR SELECT TO oms_csr, oms_admin, oms_worker USING (true);
CREATE POLICY seller_rows ON oms.staff FOR SELECT TO oms_fulfilment
	USING (login = session_user OR seller_id = (SELECT oms.caller_seller_id()));
CREATE POLICY seller_rows ON oms.seller FOR SELECT TO oms_fulfilment
	USING (id = (SELECT oms.caller_seller_id()));
CREATE POLICY seller_rows ON oms.item FOR SELECT TO oms_fulfilment
	USING (seller_id = (SELECT oms.caller_seller_id()));

-- ---------------------------------------------------------------------------
-- Grants

GRANT EXECUTE ON FUNCTION oms.caller_deactivated() TO oms_csr, oms_fulfilment, oms_analyst, oms_admin, oms_worker;
REVOKE ALL ON FUNCTION oms.staff_name_for(text, bigint), oms.refundable_settled_minor(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION oms.staff_name_for(text, bigint), oms.refundable_settled_minor(bigint)
	TO oms_csr, oms_fulfilment, oms_admin, oms_worker;
REVOKE ALL ON FUNCTION oms.clean_text(text), oms.check_text_len(text, text), oms.note_max(),
	oms.raise_alert(text, bigint, bigint, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION oms.clean_text(text), oms.note_max() TO oms_csr, oms_fulfilment, oms_admin, oms_worker;
REVOKE ALL ON FUNCTION oms_api.request_refund(bigint, bigint, text, text, uuid),
	oms_api.confirm_payment(bigint, text, bigint, text),
	oms_api.alerts(boolean, int), oms_api.alert_resolve(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION oms_api.request_refund(bigint, bigint, text, text, uuid) TO oms_csr, oms_admin;
GRANT EXECUTE ON FUNCTION oms_api.confirm_payment(bigint, text, bigint, text) TO oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.alerts(boolean, int), oms_api.alert_resolve(bigint, text) TO oms_admin;

RESET ROLE;

-- ---------------------------------------------------------------------------
-- As the migrating superuser: no large objects for anyone but superusers
-- (any login could fill the disk through lo_create / lo_from_bytea), and
-- the session limits of the groups, applied to their logins.

DO $$
BEGIN
	IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
		REVOKE EXECUTE ON FUNCTION pg_catalog.lo_creat(integer), pg_catalog.lo_create(oid),
			pg_catalog.lo_from_bytea(oid, bytea), pg_catalog.lo_import(text), pg_catalog.lo_import(text, oid)
			FROM PUBLIC;
	ELSE
		RAISE WARNING 'not a superuser: large objects stay open to every login; run as a superuser: REVOKE EXECUTE ON FUNCTION lo_creat(integer), lo_create(oid), lo_from_bytea(oid, bytea) FROM PUBLIC';
	END IF;
END
$$;

-- Apply oms.session_limit to every login of the groups: CONNECTION LIMIT
-- and per-login defaults for statement_timeout,
-- idle_in_transaction_session_timeout and lock_timeout. A login in several
-- groups gets the settings of the first by priority (admin first). Needs a
-- superuser or CREATEROLE; `oms migrate` runs it after the migrations, so a
-- new staff login gets its limits at the next `oms migrate` (or at once
-- with `SELECT oms.apply_session_limits()`). Returns the logins changed.
CREATE FUNCTION oms.apply_session_limits() RETURNS int
LANGUAGE plpgsql
AS $$
DECLARE
	r record;
	v_n int := 0;
BEGIN
	FOR r IN
		SELECT DISTINCT ON (m.rolname) m.rolname, l.*
		FROM oms.session_limit l
		JOIN pg_roles g ON g.rolname = l.group_role
		JOIN pg_auth_members am ON am.roleid = g.oid
		JOIN pg_roles m ON m.oid = am.member
		WHERE m.rolcanlogin AND NOT m.rolsuper
		ORDER BY m.rolname, l.priority
	LOOP
		EXECUTE format('ALTER ROLE %I CONNECTION LIMIT %s', r.rolname, r.connections_per_login);
		EXECUTE format('ALTER ROLE %I SET statement_timeout = %L', r.rolname, r.statement_timeout);
		EXECUTE format('ALTER ROLE %I SET idle_in_transaction_session_timeout = %L', r.rolname,
		               r.idle_in_transaction_timeout);
		EXECUTE format('ALTER ROLE %I SET lock_timeout = %L', r.rolname, r.lock_timeout);
		v_n := v_n + 1;
	END LOOP;
	RETURN v_n;
END
$$;
REVOKE ALL ON FUNCTION oms.apply_session_limits() FROM PUBLIC;

RESET search_path;
