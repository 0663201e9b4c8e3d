-- sql/functions/20_audit.sql: The audit trail and change notifications: who acts (begin_action), the append-only log, the timeline wording, NOTIFY wake-ups.
--
-- The one definition of each function and view here, with its grants.
-- `oms migrate` re-applies this file (in one transaction, after the
-- numbered migrations) whenever its text changes: keep it re-appliable
-- (CREATE OR REPLACE; see sql/functions/README for a changed signature).

SET LOCAL search_path = oms, pg_catalog;
SET LOCAL ROLE oms_owner;

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
		-- an unchanged row (oms.lock_order's version bump) says nothing:
		-- found without taking the two rows apart (issue 11)
		IF (CASE WHEN TG_TABLE_NAME = 'orders' THEN v_old - 'version' ELSE v_old END)
		   = (CASE WHEN TG_TABLE_NAME = 'orders' THEN v_new - 'version' ELSE v_new END) THEN
			RETURN NULL;
		END IF;
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

	IF TG_NARGS = 1 THEN
		v_pk := v_row ->> TG_ARGV[0];         -- (the common case, without a query)
	ELSE
		SELECT string_agg(v_row ->> a, ',') INTO v_pk FROM unnest(TG_ARGV) a;
	END IF;

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
REVOKE ALL ON FUNCTION oms.audit_row() FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- Append-only: no UPDATE, DELETE or TRUNCATE, whoever asks. The owner drops
-- its own privileges too, so even SECURITY DEFINER code cannot try.
CREATE OR REPLACE FUNCTION oms.audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
	RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = '42501',
		DETAIL = jsonb_build_object('rule', 'append_only', 'op', TG_OP)::text;
END
$$;
REVOKE ALL ON FUNCTION oms.audit_log_append_only() FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- NOTIFY: wake-up hints only (payloads carry no PII); the worker and the
-- screens poll as well.
CREATE OR REPLACE FUNCTION oms.notify_outbox() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
	PERFORM pg_notify('oms_outbox', NEW.kind);
	RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION oms.notify_outbox() FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

CREATE OR REPLACE FUNCTION oms.notify_order() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
	-- (two statements: a record has only the fields of its own table)
	IF TG_TABLE_NAME = 'orders' THEN
		PERFORM pg_notify('oms_order', NEW.order_no::text);
	ELSE
		PERFORM pg_notify('oms_order', (SELECT order_no FROM oms.orders WHERE id = NEW.order_id)::text);
	END IF;
	RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION oms.notify_order() FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- One line of the order timeline from one audit row (NULL: not worth a line).
-- STABLE: money_text reads oms.currency.
CREATE OR REPLACE FUNCTION oms.audit_detail(p_table text, p_op text, p_old jsonb, p_new jsonb) RETURNS text
LANGUAGE sql STABLE
RETURN CASE
	WHEN p_table = 'orders' AND p_op = 'INSERT' THEN
		format('order placed, total %s', oms.money_text((p_new ->> 'total_minor')::bigint, p_new ->> 'currency'))
	WHEN p_table = 'orders' AND p_new ? 'status' THEN
		format('status %s -> %s', p_old ->> 'status', p_new ->> 'status')
	WHEN p_table = 'orders' AND p_new ? 'ship_to' THEN 'shipping address changed'
	WHEN p_table IN ('orders', 'checkout', 'order_item') AND p_op = 'INSERT' THEN NULL
	WHEN p_table = 'order_item' AND p_new ? 'cancelled_qty' THEN
		format('%s unit(s) of a line cancelled', (p_new ->> 'cancelled_qty')::int - (p_old ->> 'cancelled_qty')::int)
	WHEN p_table = 'payment' AND p_op = 'INSERT' THEN NULL
	WHEN p_table = 'payment' AND p_new ? 'status' THEN format('payment %s', p_new ->> 'status')
	WHEN p_table = 'cancellation' AND p_op = 'INSERT' THEN
		format('cancellation (%s, %s): %s%s', p_new ->> 'scope', p_new ->> 'reason_code', p_new ->> 'state',
		       CASE WHEN p_new ->> 'override_reason' IS NOT NULL THEN ', admin override' ELSE '' END)
	WHEN p_table = 'cancellation' AND p_new ? 'state' THEN format('cancellation %s', p_new ->> 'state')
	WHEN p_table = 'cancellation_line' THEN NULL
	WHEN p_table = 'refund' AND p_op = 'INSERT' THEN
		format('refund of %s (%s)', oms.money_text((p_new ->> 'amount_minor')::bigint, p_new ->> 'currency'),
		       p_new ->> 'approval')
	WHEN p_table = 'refund' AND p_new ? 'approval' THEN format('refund %s', p_new ->> 'approval')
	WHEN p_table = 'refund' AND p_new ? 'status' THEN format('refund %s at the gateway', p_new ->> 'status')
	WHEN p_table = 'shipment' AND p_op = 'INSERT' THEN
		format('shipped with %s, tracking %s', p_new ->> 'carrier', p_new ->> 'tracking_no')
	WHEN p_table = 'shipment' AND p_new ? 'flagged' AND (p_new ->> 'flagged')::boolean THEN 'shipment flagged: no movement'
	WHEN p_table = 'shipment' THEN NULL
	WHEN p_table = 'shipment_event' THEN
		concat_ws(', ', p_new ->> 'status', p_new ->> 'location', p_new ->> 'description')
	ELSE format('%s %s', p_table, lower(p_op))
END;
REVOKE ALL ON FUNCTION oms.audit_detail(text,text,jsonb,jsonb) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.audit_detail(text,text,jsonb,jsonb) TO oms_admin, oms_csr, oms_fulfilment, oms_worker;

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
			USING ERRCODE = '42501',
			DETAIL = jsonb_strip_nulls(jsonb_build_object('rule', 'not_allowed', 'action', p_action, 'role', v_role,
			                                              'deactivated', CASE WHEN oms.caller_deactivated() THEN true END))::text;
	END IF;
	RETURN v_role;
END
$$;
REVOKE ALL ON FUNCTION oms.begin_action(text,text[]) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

RESET ROLE;
