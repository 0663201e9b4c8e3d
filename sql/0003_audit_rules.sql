-- 0003: rules that hold for every writer, the owner included: the order
-- status graph (BR-010..BR-016), the refund ledger bound (BR-028), the
-- append-only audit log, and NOTIFY wake-ups.

SET LOCAL ROLE oms_owner;
SET LOCAL search_path = oms, pg_catalog;

-- ---------------------------------------------------------------------------
-- Helpers shared by the rules and the API.

-- Raise a business-rule refusal (OM001); p_msg starts with the rule id.
CREATE FUNCTION oms.refuse(p_msg text) RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
	RAISE EXCEPTION USING ERRCODE = 'OM001', MESSAGE = p_msg;
END
$$;

CREATE FUNCTION oms.policy_get(p_key text) RETURNS text
LANGUAGE sql STABLE
RETURN (SELECT value FROM oms.policy WHERE key = p_key);

-- What is left to refund: the verified payment minus every refund that is
-- granted or waiting for approval and has not failed at the gateway.
CREATE FUNCTION oms.refundable_minor(p_order_id bigint) RETURNS bigint
LANGUAGE sql STABLE
RETURN coalesce((SELECT p.amount_minor FROM oms.payment p
                 WHERE p.order_id = p_order_id AND p.status = 'verified'), 0)
     - coalesce((SELECT sum(r.amount_minor) FROM oms.refund r
                 WHERE r.order_id = p_order_id
                   AND r.approval <> 'rejected'
                   AND r.status NOT IN ('failed', 'canceled')), 0);

-- ---------------------------------------------------------------------------
-- Order status: one trigger guards every change, so no client, script or
-- owner-run function can take a path the graph does not have.
CREATE FUNCTION oms.orders_guard_status() RETURNS trigger
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

	-- the condition guarding each edge
	CASE NEW.status
	WHEN 'CONFIRMED' THEN
		v_ok := EXISTS (SELECT 1 FROM oms.payment p
		                WHERE p.order_id = NEW.id AND p.status = 'verified'
		                  AND p.amount_minor = OLD.total_minor AND p.currency = NEW.currency);
		IF NOT v_ok THEN
			PERFORM oms.refuse(format('BR-011: order %s needs a verified payment of its total before it is confirmed',
			                          OLD.order_no));
		END IF;
		NEW.confirmed_at := coalesce(NEW.confirmed_at, now());
	WHEN 'SHIPPED' THEN
		v_ok := EXISTS (SELECT 1 FROM oms.shipment s WHERE s.order_id = NEW.id);
		IF NOT v_ok THEN
			PERFORM oms.refuse(format('BR-012: order %s needs a tracking number before it is shipped', OLD.order_no));
		END IF;
		NEW.shipped_at := coalesce(NEW.shipped_at, now());
	WHEN 'DELIVERED' THEN
		v_ok := EXISTS (SELECT 1 FROM oms.shipment s JOIN oms.shipment_event e ON e.shipment_id = s.id
		                WHERE s.order_id = NEW.id AND e.status = 'delivered');
		IF NOT v_ok THEN
			PERFORM oms.refuse(format('BR-013: order %s needs a delivery confirmation from the carrier',
			                          OLD.order_no));
		END IF;
		NEW.delivered_at := coalesce(NEW.delivered_at, now());
	WHEN 'CANCELLED' THEN
		-- BR-023: only through a recorded cancellation (with its reason)
		v_ok := EXISTS (SELECT 1 FROM oms.cancellation c WHERE c.order_id = NEW.id AND c.state = 'done');
		IF NOT v_ok THEN
			PERFORM oms.refuse(format('BR-023: order %s can only be cancelled with a recorded reason',
			                          OLD.order_no));
		END IF;
		NEW.cancelled_at := coalesce(NEW.cancelled_at, now());
	ELSE
		NULL;
	END CASE;
	NEW.status_at := now();
	RETURN NEW;
END
$$;

CREATE TRIGGER orders_guard_status
	BEFORE INSERT OR UPDATE OF status ON oms.orders
	FOR EACH ROW EXECUTE FUNCTION oms.orders_guard_status();

-- BR-028: the ledger never grants more than was paid. Every writer of refund
-- rows locks the order first, so the sum read here cannot race.
CREATE FUNCTION oms.refund_guard_amount() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
	v_left bigint;
BEGIN
	IF NEW.approval = 'rejected' OR NEW.status IN ('failed', 'canceled') THEN
		RETURN NEW;
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

CREATE TRIGGER refund_guard_amount
	BEFORE INSERT OR UPDATE OF amount_minor, approval, status ON oms.refund
	FOR EACH ROW EXECUTE FUNCTION oms.refund_guard_amount();

-- ---------------------------------------------------------------------------
-- Audit: one row per changed row, in the same transaction. UPDATEs record
-- only the columns that changed (old and new values of each).

CREATE FUNCTION oms.audit_row() RETURNS trigger
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
		WHERE o.value IS DISTINCT FROM n.value;
		IF v_new IS NULL THEN
			RETURN NULL;                      -- nothing changed: nothing to say
		END IF;
	END IF;

	-- TG_ARGV names the primary-key column(s)
	SELECT string_agg(v_row ->> a, ',') INTO v_pk FROM unnest(TG_ARGV) a;

	v_order := CASE TG_TABLE_NAME
		WHEN 'orders' THEN (v_row ->> 'id')::bigint
		WHEN 'shipment_event' THEN (SELECT order_id FROM oms.shipment WHERE id = (v_row ->> 'shipment_id')::bigint)
		WHEN 'cancellation_line' THEN (SELECT order_id FROM oms.cancellation WHERE id = (v_row ->> 'cancellation_id')::bigint)
		WHEN 'return_item' THEN (SELECT order_id FROM oms.return_request WHERE id = (v_row ->> 'return_id')::bigint)
		WHEN 'ticket_message' THEN (SELECT order_id FROM oms.ticket WHERE id = (v_row ->> 'ticket_id')::bigint)
		ELSE (v_row ->> 'order_id')::bigint
	END;

	-- The actor: an API function may name one (a carrier for tracking
	-- events); otherwise the person behind session_user, or 'worker'.
	v_actor := nullif(current_setting('oms.actor', true), '');
	IF v_actor IS NULL THEN
		SELECT CASE WHEN s.role = 'worker' THEN 'worker' ELSE s.full_name END
		INTO v_actor FROM oms.staff s WHERE s.login = session_user;
	END IF;

	INSERT INTO oms.audit_log (staff_name, action, table_name, row_pk, order_id, op, old, new)
	VALUES (v_actor, nullif(current_setting('oms.action', true), ''), TG_TABLE_NAME, v_pk, v_order,
	        TG_OP, v_old, v_new);
	RETURN NULL;
END
$$;

-- Every business table gets the audit trigger. (The outbox is delivery
-- machinery, recorded in its own columns; schema_migrations is the runner's.)
DO $$
DECLARE
	t record;
BEGIN
	FOR t IN SELECT * FROM (VALUES
		('customer', 'id'), ('address', 'id'), ('seller', 'id'), ('item', 'id'),
		('checkout', 'id'), ('orders', 'id'), ('order_item', 'id'), ('payment', 'id'),
		('refund', 'id'), ('cancellation_reason', 'code'), ('cancellation', 'id'),
		('cancellation_line', 'cancellation_id,order_item_id'), ('shipment', 'id'),
		('shipment_event', 'id'), ('return_request', 'id'), ('return_item', 'return_id,order_item_id'),
		('ticket', 'id'), ('ticket_message', 'id'), ('staff', 'login'), ('policy', 'key'),
		('holiday', 'day')) AS v(tab, pk)
	LOOP
		EXECUTE format('CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON oms.%I '
		               'FOR EACH ROW EXECUTE FUNCTION oms.audit_row(%s)',
		               t.tab, (SELECT string_agg(quote_literal(c), ', ')
		                       FROM unnest(string_to_array(t.pk, ',')) c));
	END LOOP;
END
$$;

-- Append-only: no UPDATE, DELETE or TRUNCATE, whoever asks. The owner drops
-- its own privileges too, so even SECURITY DEFINER code cannot try.
CREATE FUNCTION oms.audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
	RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = '42501';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON oms.audit_log
	FOR EACH ROW EXECUTE FUNCTION oms.audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON oms.audit_log
	FOR EACH STATEMENT EXECUTE FUNCTION oms.audit_log_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON oms.audit_log FROM oms_owner;

-- ---------------------------------------------------------------------------
-- NOTIFY: wake-up hints only (payloads carry no PII); the worker and the
-- screens poll as well.

CREATE FUNCTION oms.notify_outbox() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
	PERFORM pg_notify('oms_outbox', NEW.kind);
	RETURN NULL;
END
$$;
CREATE TRIGGER outbox_notify AFTER INSERT OR UPDATE OF status ON oms.outbox
	FOR EACH ROW WHEN (NEW.status = 'ready') EXECUTE FUNCTION oms.notify_outbox();

CREATE FUNCTION oms.notify_order() RETURNS trigger
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
CREATE TRIGGER notify_order AFTER INSERT OR UPDATE ON oms.orders
	FOR EACH ROW EXECUTE FUNCTION oms.notify_order();
CREATE TRIGGER notify_order AFTER INSERT OR UPDATE ON oms.refund
	FOR EACH ROW EXECUTE FUNCTION oms.notify_order();
CREATE TRIGGER notify_order AFTER INSERT OR UPDATE ON oms.cancellation
	FOR EACH ROW EXECUTE FUNCTION oms.notify_order();
CREATE TRIGGER notify_order AFTER INSERT OR UPDATE ON oms.shipment
	FOR EACH ROW EXECUTE FUNCTION oms.notify_order();

RESET ROLE;
RESET search_path;
