-- sql/functions/10_core.sql: Core helpers and rules used everywhere: the refusal, policies, text and number checks, money, business days, the ledger sums, the order lock, the status guard.
--
-- The one definition of each function and view here, with its grants.
-- `oms migrate` re-applies this file (in one transaction, after the
-- numbered migrations) whenever its text changes: keep it re-appliable
-- (CREATE OR REPLACE; see sql/functions/README for a changed signature).

SET LOCAL search_path = oms, pg_catalog;
SET LOCAL ROLE oms_owner;

-- Order numbers: id * 10 + Damm check digit. The Damm quasigroup catches every
-- single-digit error and every adjacent transposition, the two mistakes made
-- when a number is read over the phone.
CREATE OR REPLACE FUNCTION oms.damm_check(p_n bigint) RETURNS int
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
	-- the 10x10 Damm operation table, row by row
	op constant text := '0317598642709215486342068713591750983426'
	                    '6123045978367420958158697201348945362017'
	                    '94386172052581436790';
	digits constant text := p_n::text;
	interim int := 0;
BEGIN
	IF p_n < 0 THEN
		RAISE EXCEPTION 'damm_check: negative number' USING ERRCODE = '22023',
			DETAIL = jsonb_build_object('rule', 'negative_number', 'value', p_n)::text;
	END IF;
	FOR i IN 1 .. length(digits) LOOP
		interim := substr(op, interim * 10 + substr(digits, i, 1)::int + 1, 1)::int;
	END LOOP;
	RETURN interim;
END
$$;
COMMENT ON FUNCTION oms.damm_check(bigint) IS 'Damm check digit of the decimal digits of a non-negative number';
REVOKE ALL ON FUNCTION oms.damm_check(bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.damm_check(bigint) TO oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- A number is valid when running Damm over all its digits, check digit
-- included, ends in 0.
CREATE OR REPLACE FUNCTION oms.order_no_valid(p_no bigint) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN p_no >= 10000000 AND p_no <= 99999999 AND oms.damm_check(p_no) = 0;
COMMENT ON FUNCTION oms.order_no_valid(bigint) IS 'true for an 8-digit order number whose Damm check digit is right';
REVOKE ALL ON FUNCTION oms.order_no_valid(bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.order_no_valid(bigint) TO oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- Names are matched folded (lower case, accents removed): the dictionary is
-- named explicitly so the function is immutable in fact, as an index needs.
CREATE OR REPLACE FUNCTION oms.fold_name(p text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN lower(oms.unaccent('oms.unaccent'::regdictionary, p));
REVOKE ALL ON FUNCTION oms.fold_name(text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.fold_name(text) TO oms_admin, oms_csr, oms_fulfilment, oms_worker;

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
REVOKE ALL ON FUNCTION oms.policy_value_ok(text,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- The DETAIL text of an error raised with RAISE (where the message keeps
-- RAISE's own wording): the JSON object without its NULL values. Pure, so
-- granted to every group role: SECURITY INVOKER functions raise with it.
CREATE OR REPLACE FUNCTION oms.error_detail(p_detail jsonb) RETURNS text
LANGUAGE sql IMMUTABLE
RETURN jsonb_strip_nulls(coalesce(p_detail, '{}'))::text;
REVOKE ALL ON FUNCTION oms.error_detail(jsonb) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.error_detail(jsonb) TO oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- Raise an error whose DETAIL is a JSON object: the facts a client needs to
-- word it ("rule" and the numbers; oms-schema(7) ERRORS lists the keys per
-- rule). MESSAGE stays the sentence a psql user reads; clients never parse
-- it. The rule id is taken from the message ("BR-028: ...") unless
-- p_detail names one; NULL values are dropped.
CREATE OR REPLACE FUNCTION oms.raise_error(p_errcode text, p_msg text, p_detail jsonb) RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
	v_detail jsonb := jsonb_strip_nulls(coalesce(p_detail, '{}'));
	v_rule text := substring(p_msg FROM '^(BR-[0-9]+):');
BEGIN
	IF v_rule IS NOT NULL AND NOT v_detail ? 'rule' THEN
		v_detail := jsonb_build_object('rule', v_rule) || v_detail;
	END IF;
	RAISE EXCEPTION USING ERRCODE = p_errcode, MESSAGE = p_msg, DETAIL = v_detail::text;
END
$$;
REVOKE ALL ON FUNCTION oms.raise_error(text,text,jsonb) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- Raise a business-rule refusal (OM001); p_msg starts with the rule id,
-- DETAIL is {"rule": ...} plus p_detail.
CREATE OR REPLACE FUNCTION oms.refuse(p_msg text, p_detail jsonb) RETURNS void
LANGUAGE sql
AS $$ SELECT oms.raise_error('OM001', p_msg, p_detail) $$;
REVOKE ALL ON FUNCTION oms.refuse(text,jsonb) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- The same with only the rule id in DETAIL.
CREATE OR REPLACE FUNCTION oms.refuse(p_msg text) RETURNS void
LANGUAGE sql
AS $$ SELECT oms.raise_error('OM001', p_msg, NULL) $$;
REVOKE ALL ON FUNCTION oms.refuse(text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- PL/pgSQL for its cached plan (issue 14): a LANGUAGE sql function that
-- PostgreSQL cannot inline (a subquery, a CTE, SECURITY DEFINER or a SET
-- clause) has its body planned again on every call from another
-- statement; PL/pgSQL plans it once per session.
CREATE OR REPLACE FUNCTION oms.policy_get(p_key text) RETURNS text
LANGUAGE plpgsql STABLE
AS $$
BEGIN
	RETURN (SELECT value FROM oms.policy WHERE key = p_key);
END
$$;
REVOKE ALL ON FUNCTION oms.policy_get(text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.policy_get(text) TO oms_admin, oms_csr, oms_fulfilment, oms_worker;

-- What is left to refund: the verified payment minus every refund that is
-- granted or waiting for approval and has not failed at the gateway.
-- (PL/pgSQL for its cached plan, as policy_get.)
CREATE OR REPLACE FUNCTION oms.refundable_minor(p_order_id bigint) RETURNS bigint
LANGUAGE plpgsql STABLE
AS $$
BEGIN
	RETURN coalesce((SELECT p.amount_minor FROM oms.payment p
	                 WHERE p.order_id = p_order_id AND p.status = 'verified'), 0)
	     - coalesce((SELECT sum(r.amount_minor) FROM oms.refund r
	                 WHERE r.order_id = p_order_id
	                   AND r.approval <> 'rejected'
	                   AND r.status NOT IN ('failed', 'canceled')), 0);
END
$$;
REVOKE ALL ON FUNCTION oms.refundable_minor(bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.refundable_minor(bigint) TO oms_admin, oms_csr, oms_fulfilment, oms_worker;

-- As in 0003, and a SHIPPED order must have units left to ship.
CREATE OR REPLACE FUNCTION oms.orders_guard_status() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
	v_ok boolean;
BEGIN
	IF TG_OP = 'INSERT' THEN
		IF NEW.status <> 'PENDING' THEN
			PERFORM oms.refuse(format('BR-010: a new order starts PENDING, not %s', NEW.status),
			                   jsonb_build_object('order_no', NEW.order_no, 'status', NEW.status));
		END IF;
		RETURN NEW;
	END IF;
	IF NEW.status = OLD.status THEN
		RETURN NEW;
	END IF;
	IF OLD.status = 'CANCELLED' THEN
		PERFORM oms.refuse(format('BR-015: order %s is cancelled; a cancelled order never changes again',
		                          OLD.order_no),
		                   jsonb_build_object('order_no', OLD.order_no, 'from', OLD.status, 'to', NEW.status));
	END IF;
	IF NOT EXISTS (SELECT 1 FROM oms.order_transition
	               WHERE from_status = OLD.status AND to_status = NEW.status) THEN
		PERFORM oms.refuse(format('%s: order %s cannot go from %s to %s',
			CASE NEW.status WHEN 'CANCELLED' THEN 'BR-014' WHEN 'CONFIRMED' THEN 'BR-011'
			                WHEN 'SHIPPED' THEN 'BR-012' WHEN 'DELIVERED' THEN 'BR-013'
			                ELSE 'BR-016' END,
			OLD.order_no, OLD.status, NEW.status),
			jsonb_build_object('order_no', OLD.order_no, 'from', OLD.status, 'to', NEW.status));
	END IF;

	CASE NEW.status
	WHEN 'CONFIRMED' THEN
		v_ok := EXISTS (SELECT 1 FROM oms.payment p
		                WHERE p.order_id = NEW.id AND p.status = 'verified'
		                  AND p.amount_minor = OLD.total_minor AND p.currency = NEW.currency);
		IF NOT v_ok THEN
			PERFORM oms.refuse(format('BR-011: order %s needs a verified payment of its total before it is confirmed',
			                          OLD.order_no),
			                   jsonb_build_object('order_no', OLD.order_no, 'from', OLD.status, 'to', NEW.status,
			                                      'total_minor', OLD.total_minor, 'currency', NEW.currency));
		END IF;
		NEW.confirmed_at := coalesce(NEW.confirmed_at, clock_timestamp());
	WHEN 'SHIPPED' THEN
		v_ok := EXISTS (SELECT 1 FROM oms.shipment s WHERE s.order_id = NEW.id);
		IF NOT v_ok THEN
			PERFORM oms.refuse(format('BR-012: order %s needs a tracking number before it is shipped', OLD.order_no),
			                   jsonb_build_object('order_no', OLD.order_no, 'from', OLD.status, 'to', NEW.status));
		END IF;
		IF NOT EXISTS (SELECT 1 FROM oms.order_item i WHERE i.order_id = NEW.id AND i.cancelled_qty < i.qty) THEN
			PERFORM oms.refuse(format('BR-015: every unit of order %s is cancelled; nothing is left to ship',
			                          OLD.order_no),
			                   jsonb_build_object('order_no', OLD.order_no, 'from', OLD.status, 'to', NEW.status));
		END IF;
		NEW.shipped_at := coalesce(NEW.shipped_at, clock_timestamp());
	WHEN 'DELIVERED' THEN
		v_ok := EXISTS (SELECT 1 FROM oms.shipment s JOIN oms.shipment_event e ON e.shipment_id = s.id
		                WHERE s.order_id = NEW.id AND e.status = 'delivered');
		IF NOT v_ok THEN
			PERFORM oms.refuse(format('BR-013: order %s needs a delivery confirmation from the carrier',
			                          OLD.order_no),
			                   jsonb_build_object('order_no', OLD.order_no, 'from', OLD.status, 'to', NEW.status));
		END IF;
		NEW.delivered_at := coalesce(NEW.delivered_at, clock_timestamp());
	WHEN 'CANCELLED' THEN
		v_ok := EXISTS (SELECT 1 FROM oms.cancellation c WHERE c.order_id = NEW.id AND c.state = 'done');
		IF NOT v_ok THEN
			PERFORM oms.refuse(format('BR-023: order %s can only be cancelled with a recorded reason',
			                          OLD.order_no),
			                   jsonb_build_object('order_no', OLD.order_no, 'from', OLD.status, 'to', NEW.status));
		END IF;
		NEW.cancelled_at := coalesce(NEW.cancelled_at, clock_timestamp());
	ELSE
		NULL;
	END CASE;
	NEW.status_at := clock_timestamp();
	RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION oms.orders_guard_status() FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- A phone number as typed -> E.164, or NULL when it cannot be one: the
-- rules of the clients' phone_to_e164 (src/app/phone.c), step by step, so
-- that both read every input alike (tests/db/phone_agree.test runs both
-- over the demo's phones and a list of hostile inputs and compares).
-- Digits with spaces, '-', '.', '/' and one level of parentheses; an
-- international prefix "+", "00" or (default country 1) "011"; "(0)" after
-- a digit is a dropped trunk prefix ("+44 (0)20 7946 0958"); otherwise a
-- national number of the default country (policy default_country_code):
-- for 1, ten digits with an area code 2-9 or eleven starting with 1; for
-- others the trunk 0 is dropped. Letters, a second '+', more than 40 bytes:
-- NULL. PL/pgSQL: its few statements are planned once per session.
CREATE OR REPLACE FUNCTION oms.normalize_phone(p_text text) RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
	v_cc text := oms.policy_get('default_country_code');
	v_s text;
	v_plus boolean := false;
	v_d text;
	v_nat text;
	v_res text;
	v_intl boolean;
BEGIN
	IF p_text IS NULL OR p_text = '' OR octet_length(p_text) > 40 THEN
		RETURN NULL;
	END IF;
	IF v_cc IS NULL OR v_cc !~ '^[1-9][0-9]{0,2}$' THEN
		v_cc := '1';
	END IF;
	v_s := ltrim(p_text, ' ');
	IF left(v_s, 1) = '+' THEN
		v_plus := true;
		v_s := substr(v_s, 2);
	END IF;
	-- "(0)" after a digit: a trunk 0, dropped
	v_s := regexp_replace(v_s, '(?<=[0-9].*)\(0\)', '', 'g');
	-- only digits and separators, parentheses in pairs, never nested
	IF v_s !~ '^[0-9 ./()-]*$' OR v_s !~ '^[^()]*(\([^()]*\)[^()]*)*$' THEN
		RETURN NULL;
	END IF;
	v_d := regexp_replace(v_s, '[^0-9]', '', 'g');
	IF v_d = '' THEN
		RETURN NULL;
	END IF;
	v_intl := v_plus;
	v_nat := v_d;
	IF NOT v_plus AND length(v_d) > 2 AND left(v_d, 2) = '00' THEN
		v_intl := true;
		v_nat := substr(v_d, 3);
	ELSIF NOT v_plus AND v_cc = '1' AND length(v_d) > 3 AND left(v_d, 3) = '011' THEN
		v_intl := true;
		v_nat := substr(v_d, 4);
	END IF;
	IF v_intl THEN
		IF length(v_nat) > 15 THEN
			RETURN NULL;
		END IF;
		v_res := '+' || v_nat;
	ELSIF v_cc = '1' THEN
		IF length(v_d) = 11 AND left(v_d, 1) = '1' THEN
			v_nat := substr(v_d, 2);
		ELSIF length(v_d) <> 10 THEN
			RETURN NULL;
		END IF;
		IF left(v_nat, 1) < '2' THEN
			RETURN NULL;                   -- area codes start with 2-9
		END IF;
		v_res := '+1' || v_nat;
	ELSE
		IF left(v_nat, 1) = '0' THEN
			v_nat := substr(v_nat, 2);
		END IF;
		IF length(v_cc) + length(v_nat) > 15 THEN
			RETURN NULL;
		END IF;
		v_res := '+' || v_cc || v_nat;
	END IF;
	IF v_res !~ '^\+[1-9][0-9]{6,14}$' THEN
		RETURN NULL;
	END IF;
	IF substr(v_res, 2, 1) = '1' AND (length(v_res) <> 12 OR substr(v_res, 3, 1) < '2') THEN
		RETURN NULL;                           -- NANP: +1 and ten digits, area code 2-9
	END IF;
	RETURN v_res;
END
$$;
REVOKE ALL ON FUNCTION oms.normalize_phone(text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.normalize_phone(text) TO oms_admin, oms_csr, oms_fulfilment, oms_worker;

-- Money for people, written exactly as the clients write it (money_format
-- in src/money.c; tests/db/currency.test compares the two): the exponent
-- from oms.currency (2 for a code not in it), thousands grouped, '$' for
-- USD, else the code after the amount. 123456 USD -> '$1,234.56',
-- JPY -> '123,456 JPY', KWD -> '123.456 KWD', -5 USD -> '-$0.05'. A code
-- that is not three letters shows as three question marks. STABLE: it
-- reads a table.
-- (PL/pgSQL for its cached plan, as policy_get. The currency's exponent is
-- its one query; the rest are PL/pgSQL's own expressions. As one query, a
-- CTE joined to oms.currency, a call took about 110 us of server time, 45
-- this way: it is in every order card, whose timeline says "order placed,
-- total ..."; issue 14. The code is compared as char(3), the column's
-- type: compared as text, every one of the table's rows was cast to text
-- for it, 38 -> 22 us a call.)
CREATE OR REPLACE FUNCTION oms.money_text(p_minor bigint, p_currency text) RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
DECLARE
	v_code text;
	v_exp int;
	v_unit numeric;
	v_mag numeric;
BEGIN
	IF p_minor IS NULL THEN
		RETURN NULL;
	END IF;
	v_code := CASE WHEN coalesce(p_currency, '') = '' THEN ''
	               WHEN p_currency ~ '^[A-Za-z]{3}$' THEN upper(p_currency)
	               ELSE repeat('?', 3) END;
	SELECT x.exponent INTO v_exp FROM oms.currency x WHERE x.code = v_code::char(3);
	v_unit := (10 ^ coalesce(v_exp, 2))::numeric;
	v_mag := abs(p_minor::numeric);
	RETURN CASE WHEN p_minor < 0 THEN '-' ELSE '' END
	    || CASE WHEN v_code = 'USD' THEN '$' ELSE '' END
	    || to_char(div(v_mag, v_unit), 'FM999,999,999,999,999,999,990')
	    || CASE WHEN v_unit > 1 THEN '.' || lpad(mod(v_mag, v_unit)::text, length(v_unit::text) - 1, '0') ELSE '' END
	    || CASE WHEN v_code IN ('', 'USD') THEN '' ELSE ' ' || v_code END;
END
$$;
REVOKE ALL ON FUNCTION oms.money_text(bigint,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.money_text(bigint,text) TO oms_admin, oms_csr, oms_fulfilment, oms_worker;

-- Lock an order for a decision by writing its row (see 1. above). Fulfilment
-- staff cannot see other sellers' orders, so for them those do not exist.
CREATE OR REPLACE FUNCTION oms.lock_order(p_order_id bigint, p_order_no bigint, p_role text) RETURNS oms.orders
LANGUAGE plpgsql
AS $$
DECLARE
	v oms.orders;
BEGIN
	IF p_order_id IS NULL AND p_order_no IS NULL THEN
		RAISE EXCEPTION 'order not found (no order number given)' USING ERRCODE = 'P0002',
			DETAIL = oms.error_detail('{"rule": "order_not_found"}');
	END IF;
	-- one statement finds, filters and locks: another seller's order is
	-- never locked (nor waited for) on a fulfilment caller's behalf. Two
	-- statements, one per key, so that each keeps one plan for the session
	-- (with "p_order_id IS NULL OR o.id = p_order_id" the generic plan
	-- could use no index and every call was planned again; issue 11).
	IF p_order_id IS NOT NULL THEN
		UPDATE oms.orders o SET version = o.version + 1
		WHERE o.id = p_order_id AND (p_order_no IS NULL OR o.order_no = p_order_no)
		  AND (p_role IS DISTINCT FROM 'fulfilment' OR o.seller_id = (SELECT oms.caller_seller_id()))
		RETURNING * INTO v;
	ELSE
		UPDATE oms.orders o SET version = o.version + 1
		WHERE o.order_no = p_order_no
		  AND (p_role IS DISTINCT FROM 'fulfilment' OR o.seller_id = (SELECT oms.caller_seller_id()))
		RETURNING * INTO v;
	END IF;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'order % not found', coalesce(p_order_no::text, 'id ' || p_order_id)
			USING ERRCODE = 'P0002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'order_not_found', 'order_no', p_order_no,
			                                             'order_id', CASE WHEN p_order_no IS NULL THEN p_order_id END));
	END IF;
	RETURN v;
END
$$;
REVOKE ALL ON FUNCTION oms.lock_order(bigint,bigint,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- An order as the caller's role may see it, read without a lock (fulfilment
-- staff see their own seller's only: another seller's order is not found,
-- P0002 order_not_found, as lock_order says it).
CREATE OR REPLACE FUNCTION oms.visible_order(p_order_no bigint, p_role text) RETURNS oms.orders
LANGUAGE plpgsql STABLE
AS $$
DECLARE
	v oms.orders;
BEGIN
	SELECT * INTO v FROM oms.orders o
	WHERE o.order_no = p_order_no AND (p_role IS DISTINCT FROM 'fulfilment' OR o.seller_id = oms.caller_seller_id());
	IF NOT FOUND THEN
		RAISE EXCEPTION 'order % not found', p_order_no USING ERRCODE = 'P0002',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'order_not_found', 'order_no', p_order_no));
	END IF;
	RETURN v;
END
$$;
REVOKE ALL ON FUNCTION oms.visible_order(bigint,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

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
		PERFORM oms.raise_error('22023', format('BR-023: a cancellation needs a reason; "%s" is not one',
		                                        left(coalesce(p_code, ''), 40)),
		                        jsonb_build_object('field', 'reason', 'reason_code', left(p_code, 40)));
	END IF;
	IF v_requires_note AND oms.clean_text(p_note) IS NULL THEN
		PERFORM oms.raise_error('22023', format('BR-023: reason "%s" needs a note', p_code),
		                        jsonb_build_object('field', 'note', 'reason_code', p_code));
	END IF;
	PERFORM oms.check_text_len('a note', p_note);
END
$$;
REVOKE ALL ON FUNCTION oms.check_reason(text,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- Delivery estimate: p_days business days after p_from, skipping weekends
-- and oms.holiday.
CREATE OR REPLACE FUNCTION oms.add_business_days(p_from date, p_days int) RETURNS date
LANGUAGE sql STABLE
RETURN CASE WHEN p_days <= 0 THEN p_from ELSE (
	SELECT d::date
	FROM generate_series(p_from + 1, p_from + p_days * 2 + 30, interval '1 day') d
	WHERE extract(isodow FROM d) < 6
	  AND NOT EXISTS (SELECT 1 FROM oms.holiday h WHERE h.day = d::date)
	ORDER BY d
	OFFSET p_days - 1 LIMIT 1) END;
REVOKE ALL ON FUNCTION oms.add_business_days(date,integer) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- A service level's default business days in transit (oms.service_level,
-- 0034); 7 for a level not known.
CREATE OR REPLACE FUNCTION oms.transit_days(p_service_level text) RETURNS int
LANGUAGE sql STABLE
RETURN coalesce((SELECT sl.transit_days FROM oms.service_level sl WHERE sl.code = p_service_level), 7);
REVOKE ALL ON FUNCTION oms.transit_days(text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- Bounded text: what a person types is at most 10000 characters (the client
-- shows the same limit, OMS_NOTE_MAX).
CREATE OR REPLACE FUNCTION oms.note_max() RETURNS int LANGUAGE sql IMMUTABLE RETURN 10000;
REVOKE ALL ON FUNCTION oms.note_max() FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.note_max() TO oms_admin, oms_csr, oms_fulfilment, oms_worker;

-- Text a person typed, trimmed of every kind of white space (spaces, tabs,
-- newlines, ...); NULL when nothing is left. "Needs a note" means this is
-- not NULL.
CREATE OR REPLACE FUNCTION oms.clean_text(p text) RETURNS text
LANGUAGE sql IMMUTABLE
RETURN nullif(regexp_replace(p, '^[[:space:]]+|[[:space:]]+$', '', 'g'), '');
REVOKE ALL ON FUNCTION oms.clean_text(text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.clean_text(text) TO oms_admin, oms_csr, oms_fulfilment, oms_worker;

-- Refuse text longer than oms.note_max() with a clear message (the table
-- CHECKs are the backstop).
CREATE OR REPLACE FUNCTION oms.check_text_len(p_what text, p text) RETURNS void
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
	IF char_length(p) > oms.note_max() THEN
		PERFORM oms.raise_error('22023', format('%s may be at most %s characters (this one has %s)',
		                                        p_what, oms.note_max(), char_length(p)),
		                        jsonb_build_object('rule', 'text_limit', 'field', p_what,
		                                           'limit', oms.note_max(), 'length', char_length(p)));
	END IF;
END
$$;
REVOKE ALL ON FUNCTION oms.check_text_len(text,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- What a cancellation that leaves no unit refunds: everything paid minus
-- what is granted (auto or approved) and not failed. The refunds still
-- waiting for approval are settled by it (apply_cancellation), so they do
-- not count.
CREATE OR REPLACE FUNCTION oms.refundable_settled_minor(p_order_id bigint) RETURNS bigint
LANGUAGE sql STABLE
RETURN coalesce((SELECT p.amount_minor FROM oms.payment p
                 WHERE p.order_id = p_order_id AND p.status = 'verified'), 0)
     - coalesce((SELECT sum(r.amount_minor) FROM oms.refund r
                 WHERE r.order_id = p_order_id
                   AND r.approval IN ('auto', 'approved')
                   AND r.status NOT IN ('failed', 'canceled')), 0);
REVOKE ALL ON FUNCTION oms.refundable_settled_minor(bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.refundable_settled_minor(bigint) TO oms_admin, oms_csr, oms_fulfilment, oms_worker;

RESET ROLE;
