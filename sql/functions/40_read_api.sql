-- sql/functions/40_read_api.sql: The read API for the screens and the CLI: lookup, customer and order cards, reasons.
--
-- The one definition of each function and view here, with its grants.
-- `oms migrate` re-applies this file (in one transaction, after the
-- numbered migrations) whenever its text changes: keep it re-appliable
-- (CREATE OR REPLACE; see sql/functions/README for a changed signature).

SET LOCAL search_path = oms, pg_catalog;
SET LOCAL ROLE oms_owner;

-- The words of a folded name (sql/0033, the exact-word name search): its
-- runs of letters and digits, each once, as pg_trgm splits it into words.
-- PL/pgSQL, not LANGUAGE sql: PostgreSQL cannot inline a body with a
-- subquery, so as SQL it was planned again on every call (from lookup's
-- name search and from the trigger below); PL/pgSQL plans it once per
-- session (issue 14).
CREATE OR REPLACE FUNCTION oms.name_words(p_folded text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
BEGIN
	RETURN ARRAY(SELECT DISTINCT w FROM regexp_split_to_table(p_folded, '[^[:alnum:]]+') w WHERE w <> '' ORDER BY w);
END
$$;
REVOKE ALL ON FUNCTION oms.name_words(text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms.name_words(text) TO oms_admin, oms_csr, oms_fulfilment, oms_worker;

-- Keeps oms.customer_name_word (sql/0033) in step with each customer's
-- name: one row per word with the name's count of distinct trigrams. The
-- trigger is ENABLE ALWAYS, so bulk loads with session_replication_role =
-- replica (the demo's) fill it too.
CREATE OR REPLACE FUNCTION oms.customer_name_words_trg() RETURNS trigger
LANGUAGE plpgsql SET search_path = oms, pg_catalog, pg_temp
AS $$
BEGIN
	IF TG_OP = 'UPDATE' THEN
		IF NEW.name_folded IS NOT DISTINCT FROM OLD.name_folded AND NEW.id = OLD.id THEN
			RETURN NULL;
		END IF;
		DELETE FROM oms.customer_name_word WHERE customer_id = OLD.id;
	END IF;
	INSERT INTO oms.customer_name_word (customer_id, word, ntrgm)
	SELECT NEW.id, w, cardinality(oms.show_trgm(NEW.name_folded))
	FROM unnest(oms.name_words(NEW.name_folded)) w;
	RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION oms.customer_name_words_trg() FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;

-- Find orders or customers from what the caller on the phone says.
-- Keyset paging: pass the last row's sort_key as p_after.
--
-- Speed (issue 14): each kind is its own static statement, so each keeps
-- one cached generic plan per session (plan_cache_mode below); the phone
-- is normalised once per call into a variable, never per row or index
-- probe. A name search ranks the names that hold the fragment's words
-- as whole words first (tier 0): for one word (a surname) a page is one
-- range of the btree of sql/0033 (customer_name_word: word, trigram count,
-- id), which is that tier's rank order, so a common surname costs what an
-- index scan costs. The other matches (tier 1: word similarity >= 0.6,
-- pg_trgm.word_similarity_threshold, fixed here whatever the session
-- says; a typo, part of a word) are found by the GIN trigram index on
-- customer.name_folded (sql/0027: the folded name, stored when written)
-- and all ranked; nothing is capped. That part stops with SQLSTATE 57014
-- when it has run longer
-- than the policy name_search_timeout (2 seconds). A SET statement_timeout
-- clause would not do: the server arms that timer when the client's
-- statement starts, and a function's SET changes only the setting.
-- (pg_trgm's library defines the setting when it is loaded; until then a
-- SET clause naming it would need a superuser.)
--
-- Issue 13: a customer row also gives the city of the customer's default
-- (else first) address and the last order's placed_at, so that similar
-- names can be told apart; an order row gives stuck, true when one of its
-- shipments is flagged (no movement). NULL where they do not apply.
DO $$ BEGIN PERFORM oms.show_limit(); END $$;
DROP FUNCTION IF EXISTS oms_api.lookup(text,text,integer,text);
CREATE OR REPLACE FUNCTION oms_api.lookup(p_kind text, p_query text, p_limit int DEFAULT 50, p_after text DEFAULT NULL)
RETURNS TABLE (kind text, order_no bigint, customer_id bigint, full_name text, email text, phone text,
               status text, placed_at timestamptz, total_minor bigint, currency text, sort_key text,
               city text, last_order_at timestamptz, stuck boolean)
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = oms, pg_catalog, pg_temp SET plan_cache_mode = force_generic_plan
SET pg_trgm.word_similarity_threshold = 0.6
AS $$
#variable_conflict use_column
DECLARE
	v_q constant text := btrim(p_query);
	v_limit constant int := least(greatest(coalesce(p_limit, 50), 1), 500);
	v_key text;
	v_phone text;
BEGIN
	IF v_q IS NULL OR v_q = '' THEN
		RAISE EXCEPTION 'nothing to look up' USING ERRCODE = '22023',
			DETAIL = oms.error_detail('{"rule": "empty_query"}');
	END IF;

	CASE p_kind
	WHEN 'order_no' THEN
		IF v_q !~ '^[0-9]{8}$' THEN
			RAISE EXCEPTION '% is not an order number (8 digits, the last a check digit)', v_q
				USING ERRCODE = '22023',
				DETAIL = oms.error_detail(jsonb_build_object('rule', 'order_no_format', 'query', left(v_q, 40)));
		END IF;
		RETURN QUERY
		SELECT 'order', o.order_no, c.id, c.full_name, c.email, c.phone, o.status, o.placed_at,
		       o.total_minor, o.currency::text, o.order_no::text, NULL::text, NULL::timestamptz,
		       EXISTS (SELECT 1 FROM oms.shipment sh WHERE sh.order_id = o.id AND sh.flagged)
		FROM oms.orders o JOIN oms.customer c ON c.id = o.customer_id
		WHERE o.order_no = v_q::bigint;
		-- The check digit is checked only when no order has the number:
		-- every stored order_no is valid (generated from its id >= 1000000
		-- with oms.damm_check), so a hit needs no check, and a miss is
		-- refused as before. (oms.order_no_valid is a LANGUAGE sql function
		-- that PostgreSQL cannot inline, STRICT over an AND: called here it
		-- planned its body on every call, a third of a hit's time; issue 14.)
		IF NOT FOUND AND NOT oms.order_no_valid(v_q::bigint) THEN
			RAISE EXCEPTION '% is not an order number (8 digits, the last a check digit)', v_q
				USING ERRCODE = '22023',
				DETAIL = oms.error_detail(jsonb_build_object('rule', 'order_no_format', 'query', left(v_q, 40)));
		END IF;

	WHEN 'tracking' THEN
		RETURN QUERY
		SELECT 'order', o.order_no, c.id, c.full_name, c.email, c.phone, o.status, o.placed_at,
		       o.total_minor, o.currency::text, o.order_no::text, NULL::text, NULL::timestamptz,
		       EXISTS (SELECT 1 FROM oms.shipment sh WHERE sh.order_id = o.id AND sh.flagged)
		FROM oms.shipment s
		JOIN oms.orders o ON o.id = s.order_id
		JOIN oms.customer c ON c.id = o.customer_id
		WHERE s.tracking_no IN (v_q, upper(v_q));

	WHEN 'email' THEN
		v_key := lower(v_q);
		IF p_after IS NULL THEN                -- an exact hit wins outright
			RETURN QUERY
			SELECT 'customer', NULL::bigint, c.id, c.full_name, c.email, c.phone, NULL::text,
			       NULL::timestamptz, NULL::bigint, NULL::text, lower(c.email),
		       (SELECT a.city FROM oms.address a WHERE a.customer_id = c.id ORDER BY a.is_default DESC, a.id LIMIT 1),
		       (SELECT max(lo.placed_at) FROM oms.orders lo WHERE lo.customer_id = c.id), NULL::boolean
			FROM oms.customer c WHERE lower(c.email) = v_key;
			IF FOUND THEN
				RETURN;
			END IF;
		END IF;
		-- prefix as a byte range (~>=~ ~<~): the text_pattern_ops index
		-- serves it even with a generic plan
		RETURN QUERY
		SELECT 'customer', NULL::bigint, c.id, c.full_name, c.email, c.phone, NULL::text,
		       NULL::timestamptz, NULL::bigint, NULL::text, lower(c.email),
		       (SELECT a.city FROM oms.address a WHERE a.customer_id = c.id ORDER BY a.is_default DESC, a.id LIMIT 1),
		       (SELECT max(lo.placed_at) FROM oms.orders lo WHERE lo.customer_id = c.id), NULL::boolean
		FROM oms.customer c
		WHERE lower(c.email) ~>=~ v_key AND lower(c.email) ~<~ (v_key || chr(1114111))
		  AND (p_after IS NULL OR lower(c.email) ~>~ p_after)
		ORDER BY lower(c.email) USING ~<~
		LIMIT v_limit;

	WHEN 'phone' THEN
		-- once, not per row. An E.164 number (what oms sends: it normalises
		-- first) is its own normal form when it passes normalize_phone's
		-- last two checks, which are these; anything else goes through
		-- oms.normalize_phone. (The nested PL/pgSQL call was a third of a
		-- phone lookup; issue 14. tests/db/phone_agree.test checks that
		-- both ways agree.)
		IF v_q ~ '^\+[1-9][0-9]{6,14}$' THEN
			v_phone := CASE WHEN substr(v_q, 2, 1) = '1' AND (length(v_q) <> 12 OR substr(v_q, 3, 1) < '2')
			                THEN NULL ELSE v_q END;
		ELSE
			v_phone := oms.normalize_phone(v_q);
		END IF;
		IF v_phone IS NULL THEN
			RETURN;
		END IF;
		RETURN QUERY
		SELECT 'customer', NULL::bigint, c.id, c.full_name, c.email, c.phone, NULL::text,
		       NULL::timestamptz, NULL::bigint, NULL::text, lpad(c.id::text, 19, '0'),
		       (SELECT a.city FROM oms.address a WHERE a.customer_id = c.id ORDER BY a.is_default DESC, a.id LIMIT 1),
		       (SELECT max(lo.placed_at) FROM oms.orders lo WHERE lo.customer_id = c.id), NULL::boolean
		FROM oms.customer c
		WHERE c.phone = v_phone
		  AND (p_after IS NULL OR lpad(c.id::text, 19, '0') > p_after)
		ORDER BY c.id
		LIMIT v_limit;

	WHEN 'name' THEN
	-- (the name search's variables are its own block's: the other kinds
	-- do not initialise its seven arrays on every call; issue 14)
	DECLARE
		v_fold text;
		v_nf int;
		v_budget text;
		v_deadline timestamptz;
		v_n int := 0;
		v_ids bigint[] := '{}';
		v_names text[] := '{}';
		v_emails text[] := '{}';
		v_phones text[] := '{}';
		v_keys text[] := '{}';
		v_words text[];
		v_res text[];
		v_after text;
		v_rest int;
		v_m int;
		v_after_n int;
		v_after_id bigint;
		v_tids bigint[] := '{}';
		v_tkeys text[] := '{}';
		r record;
	BEGIN
		IF v_q !~ '[[:alpha:]].*[[:alpha:]]' THEN
			RAISE EXCEPTION 'a name fragment needs at least two letters' USING ERRCODE = '22023',
				DETAIL = oms.error_detail('{"rule": "name_too_short", "min": 2}');
		END IF;
		v_fold := oms.fold_name(v_q);
		-- The rank (oms-schema(7), Name search): first the names that
		-- hold every word of the fragment as a whole word (tier 0), then
		-- the other names at word similarity >= 0.6 (tier 1); within a
		-- tier by 1 - word similarity, 1 - similarity, id. The sort key
		-- spells that out: 'tier:1-ws:1-sim:id'.
		v_words := oms.name_words(v_fold);
		v_res := ARRAY(SELECT '(^|[^[:alnum:]])' || w || '($|[^[:alnum:]])' FROM unnest(v_words) w);
		IF cardinality(v_res) = 0 THEN
			v_res := ARRAY[NULL::text];        -- no word: no name is in tier 0
		END IF;
		v_rest := v_limit;
		v_after := p_after;
		IF p_after IS NULL OR p_after < '1' THEN
			IF cardinality(v_words) = 1 THEN
				-- One word (a surname: the common case). Every name holding
				-- it has word similarity 1 and similarity n(word) / n(name)
				-- (n: the distinct trigrams, stored per name and word by
				-- sql/0033; so all of them match), and the word index's
				-- order (word, n, id) is the rank: a page is the next rows
				-- of one index range. So each row's key is worked out from
				-- the stored counts, not by the trigram functions: 1 -
				-- v_nf / n(name) is 1 - similarity, the same float4
				-- division (tests/sql/api_lookup_name_bounds.sql checks it
				-- for every word of every name; so did the 207,705 of the
				-- full demo). The page's 100 trigram comparisons were a
				-- seventh of a surname search; issue 14.
				v_nf := cardinality(show_trgm(v_fold));
				IF p_after IS NOT NULL AND split_part(p_after, ':', 4) ~ '^[0-9]{1,18}$' THEN
					SELECT w.ntrgm, w.customer_id INTO v_after_n, v_after_id
					FROM oms.customer_name_word w
					WHERE w.customer_id = split_part(p_after, ':', 4)::bigint AND w.word = v_words[1];
				END IF;
				-- These rows go out at once, sorted by key: every key of
				-- tier 1 (appended below when the page is short) sorts after
				-- them. (Not through the arrays: their aggregation and
				-- unnesting were a tenth of a surname search; issue 14.)
				RETURN QUERY
				SELECT 'customer', NULL::bigint, y.id, y.full_name, y.email, y.phone, NULL::text,
				       NULL::timestamptz, NULL::bigint, NULL::text, y.k,
				       (SELECT a.city FROM oms.address a WHERE a.customer_id = y.id ORDER BY a.is_default DESC, a.id LIMIT 1),
				       (SELECT max(lo.placed_at) FROM oms.orders lo WHERE lo.customer_id = y.id), NULL::boolean
				FROM (SELECT c.id, c.full_name, c.email, c.phone,
				             '0:0.000000:' || to_char(1 - v_nf::real / w.ntrgm::real, 'FM0.000000') || ':' ||
				             lpad(c.id::text, 19, '0') AS k
				      FROM oms.customer_name_word w
				      JOIN oms.customer c ON c.id = w.customer_id
				      WHERE w.word = v_words[1]
				        AND (w.ntrgm, w.customer_id) > (coalesce(v_after_n, -1), coalesce(v_after_id, -1))
				        -- (when the last row's name changed meanwhile: from the start, by key)
				        AND (p_after IS NULL OR v_after_n IS NOT NULL
				             OR '0:0.000000:' || to_char(1 - v_nf::real / w.ntrgm::real, 'FM0.000000') || ':' ||
				                lpad(c.id::text, 19, '0') > p_after)
				      ORDER BY w.ntrgm, w.customer_id
				      LIMIT v_limit) y
				ORDER BY y.k;
				GET DIAGNOSTICS v_n = ROW_COUNT;
			ELSE
				-- Several words (a first name and a surname): the names that
				-- hold them all, every one ranked.
				SELECT coalesce(array_agg(y.id), '{}'), coalesce(array_agg(y.full_name), '{}'),
				       coalesce(array_agg(y.email), '{}'), coalesce(array_agg(y.phone), '{}'),
				       coalesce(array_agg(y.k), '{}')
				INTO v_ids, v_names, v_emails, v_phones, v_keys
				FROM (SELECT x.* FROM (
				          SELECT c.id, c.full_name, c.email, c.phone,
				                 '0:' || to_char(1 - word_similarity(v_fold, c.name_folded), 'FM0.000000') || ':' ||
				                 to_char(1 - similarity(v_fold, c.name_folded), 'FM0.000000') || ':' ||
				                 lpad(c.id::text, 19, '0') AS k
				          FROM oms.customer c
				          WHERE c.id IN (SELECT w.customer_id FROM oms.customer_name_word w
				                         WHERE w.word = ANY (v_words)
				                         GROUP BY w.customer_id HAVING count(*) = cardinality(v_words))
				            -- (the threshold of <%, not <% itself: the word index
				            -- finds these few, not the trigram indexes)
				            AND word_similarity(v_fold, c.name_folded) >= 0.6) x
				      WHERE p_after IS NULL OR x.k > p_after
				      ORDER BY x.k
				      LIMIT v_limit) y;
				v_n := cardinality(v_ids);
			END IF;
			v_rest := v_limit - v_n;
			v_after := NULL;                       -- tier 1 from its start
		END IF;
		IF v_rest > 0 THEN
			-- Tier 1, the trigram matches that do not hold every word (a
			-- typo, part of a word; or the pages after a common surname's
			-- exact matches): the GIN index finds them all and all are
			-- ranked. (Not GiST's index-ordered scan by word similarity:
			-- its order is approximate, PostgreSQL 15 returned rows out of
			-- rank order.) This is the part of a search that can take long:
			-- it stops with 57014 once name_search_timeout has passed.
			v_budget := oms.policy_get('name_search_timeout');
			IF v_budget IS NULL OR v_budget !~ '^[0-9]{1,6} ?(ms|milliseconds?|s|seconds?)$' THEN
				v_budget := '2 seconds';
			END IF;
			v_deadline := clock_timestamp() + v_budget::interval;
			v_m := 0;
			v_n := 0;
			FOR r IN
				SELECT c.id,
				       '1:' || to_char(1 - word_similarity(v_fold, c.name_folded), 'FM0.000000') || ':' ||
				       to_char(1 - similarity(v_fold, c.name_folded), 'FM0.000000') || ':' ||
				       lpad(c.id::text, 19, '0') AS k
				FROM oms.customer c
				WHERE v_fold <% c.name_folded AND NOT coalesce(c.name_folded ~ ALL (v_res), false)
			LOOP
				IF clock_timestamp() > v_deadline THEN
					RAISE EXCEPTION 'name search stopped after % (type more of the name)', v_budget
						USING ERRCODE = '57014',
						DETAIL = oms.error_detail(jsonb_build_object('rule', 'name_search_timeout',
						                                             'timeout', v_budget, 'candidates', v_m + 1));
				END IF;
				v_m := v_m + 1;
				CONTINUE WHEN v_after IS NOT NULL AND r.k <= v_after;
				v_n := v_n + 1;
				v_tids[v_n] := r.id;             -- (in place: no copy per row)
				v_tkeys[v_n] := r.k;
			END LOOP;
			SELECT v_ids || array_agg(c.id), v_names || array_agg(c.full_name),
			       v_emails || array_agg(c.email), v_phones || array_agg(c.phone),
			       v_keys || array_agg(x.k)
			INTO v_ids, v_names, v_emails, v_phones, v_keys
			FROM (SELECT t.id, t.k FROM unnest(v_tids, v_tkeys) AS t(id, k) ORDER BY t.k LIMIT v_rest) x
			JOIN oms.customer c ON c.id = x.id;
		END IF;
		-- (the rows in the arrays: several words' tier 0, and tier 1)
		IF cardinality(v_ids) = 0 THEN
			RETURN;
		END IF;
		RETURN QUERY
		SELECT 'customer', NULL::bigint, x.id, x.full_name, x.email, x.phone, NULL::text,
		       NULL::timestamptz, NULL::bigint, NULL::text, x.k,
		       (SELECT a.city FROM oms.address a WHERE a.customer_id = x.id ORDER BY a.is_default DESC, a.id LIMIT 1),
		       (SELECT max(lo.placed_at) FROM oms.orders lo WHERE lo.customer_id = x.id), NULL::boolean
		FROM unnest(v_ids, v_names, v_emails, v_phones, v_keys) AS x(id, full_name, email, phone, k)
		ORDER BY x.k
		LIMIT v_limit;
	END;

	ELSE
		RAISE EXCEPTION 'unknown lookup kind "%" (order_no, email, phone, tracking, name)', p_kind
			USING ERRCODE = '22023',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'unknown_kind', 'field', 'kind', 'value', p_kind,
			                                             'allowed', jsonb_build_array('order_no', 'email', 'phone', 'tracking', 'name')));
	END CASE;
END
$$;
REVOKE ALL ON FUNCTION oms_api.lookup(text,text,integer,text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.lookup(text,text,integer,text) TO oms_admin, oms_csr, oms_fulfilment, oms_worker;

-- As in 0006, naming the cancellations' people through oms.staff_name_for.
-- PL/pgSQL, not SQL: a LANGUAGE sql function with a SET clause is never
-- inlined, and its body was planned again on every call (0.7 ms of planning
-- for 0.4 ms of work); PL/pgSQL prepares its statement once per session and
-- keeps the generic plan (plan_cache_mode below: the plan is the same for
-- every order number, so the five custom plans of "auto" would be waste).
-- Per server session, so PgBouncer's transaction mode keeps it too.
-- json, not jsonb: the screens read the card as text. Built as jsonb, each
-- line, refund, shipment, scan and timeline entry was serialised, then
-- taken apart and serialised again by every aggregate and object around
-- it (jsonb_agg, jsonb_build_object): a sixth of the card's time. json is
-- written once, as text (issue 14). oms_api.order_card below is the same
-- card as jsonb.
CREATE OR REPLACE FUNCTION oms_api.order_card_json(p_order_no bigint) RETURNS json
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = oms, pg_catalog, pg_temp SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
	v_card json;
BEGIN
SELECT json_build_object(
	'order_no', o.order_no, 'status', o.status, 'status_at', o.status_at,
	'placed_at', o.placed_at, 'confirmed_at', o.confirmed_at, 'shipped_at', o.shipped_at,
	'delivered_at', o.delivered_at, 'cancelled_at', o.cancelled_at,
	-- (the seller by its key: as a join, the generic plan read all the
	-- sellers into a hash for the one order on every call; issue 14)
	'seller', (SELECT json_build_object('id', s.id, 'name', s.name) FROM oms.seller s WHERE s.id = o.seller_id),
	'customer', (SELECT json_build_object('id', c.id, 'full_name', c.full_name, 'email', c.email, 'phone', c.phone)
	             FROM oms.customer c WHERE c.id = o.customer_id),
	'currency', o.currency, 'subtotal_minor', o.subtotal_minor, 'shipping_minor', o.shipping_minor,
	'total_minor', o.total_minor, 'refundable_minor', oms.refundable_minor(o.id),
	'ship_to', o.ship_to,
	'lines', coalesce((
		SELECT json_agg(json_build_object('line_no', i.line_no, 'sku', i.sku, 'name', i.name, 'qty', i.qty,
		                'unit_price_minor', i.unit_price_minor, 'line_total_minor', i.line_total_minor,
		                'cancelled_qty', i.cancelled_qty) ORDER BY i.line_no)
		FROM oms.order_item i WHERE i.order_id = o.id), '[]'),
	'payment', (SELECT json_build_object('status', p.status, 'provider_ref', p.provider_ref,
	                   'amount_minor', p.amount_minor, 'verified_at', p.verified_at, 'attempts', p.attempts)
	            FROM oms.payment p WHERE p.order_id = o.id),
	'refunds', coalesce((
		SELECT json_agg(json_build_object('id', r.id, 'amount_minor', r.amount_minor, 'status', r.status,
		                'approval', r.approval, 'reason', r.reason, 'created_at', r.created_at,
		                'executed_at', r.executed_at, 'provider_refund_id', r.provider_refund_id,
		                -- the gateway's word on it (a refusal's reason; issue 13)
		                'last_message', r.last_message) ORDER BY r.id)
		FROM oms.refund r WHERE r.order_id = o.id), '[]'),
	'shipments', coalesce((
		SELECT json_agg(json_build_object('id', sh.id, 'carrier', sh.carrier, 'service_level', sh.service_level,
		                'tracking_no', sh.tracking_no, 'status', sh.status, 'shipped_at', sh.shipped_at,
		                'estimated_delivery', sh.estimated_delivery, 'flagged', sh.flagged,
		                -- issue 11: the proof of delivery, the label, and the tracker's state
		                -- (tracking, ended, untracked) with the age of the last scan
		                'signed_by', sh.signed_by, 'delivered_at', sh.delivered_at, 'label_url', sh.label_url,
		                'tracker_state', oms.tracker_state(sh.id),
		                'last_scan_at', ev.last_at,
		                'last_scan_age_s', floor(extract(epoch FROM clock_timestamp() - ev.last_at))::bigint,
		                'events', coalesce(ev.events, '[]')) ORDER BY sh.id)
		-- (the scans' last time and their list: one pass over them, not
		-- three; issue 14)
		FROM oms.shipment sh
		CROSS JOIN LATERAL (SELECT max(e.at) AS last_at,
		                           json_agg(json_build_object('at', e.at, 'status', e.status, 'location', e.location,
		                                                      'description', e.description) ORDER BY e.at, e.id) AS events
		                    FROM oms.shipment_event e WHERE e.shipment_id = sh.id) ev
		WHERE sh.order_id = o.id), '[]'),
	'cancellations', coalesce((
		SELECT json_agg(json_build_object('id', ca.id, 'scope', ca.scope, 'reason_code', ca.reason_code,
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
		SELECT json_agg(json_build_object('at', t.at, 'actor', t.actor, 'action', t.action, 'detail', t.detail)
		                ORDER BY t.at)
		-- (OFFSET 0: t.detail IS NOT NULL is not pushed into the arms, where
		-- each detail, a money_text of the order or refund among them, was
		-- then worked out twice: once to filter, once to keep; issue 14)
		FROM (SELECT * FROM (SELECT min(a.at) AS at, coalesce(a.staff_name, a.db_user) AS actor, a.action,
		             string_agg(oms.audit_detail(a.table_name, a.op, a.old, a.new), '; ' ORDER BY a.id) AS detail
		      FROM oms.audit_log a WHERE a.order_id = o.id
		      GROUP BY a.txid, coalesce(a.staff_name, a.db_user), a.action
		      -- issue 13: an order's placing, cancellations and refunds that have
		      -- no audit row (loaded in bulk, as the demo's are) still show,
		      -- from their own rows, worded as their audit rows would be
		      -- (each with its own wording, of only the columns it words: one
		      -- audit_detail call per arm, whose CASE then folds to its one
		      -- branch; each row's request and decision, or request and
		      -- result, from one read of the row; issue 14)
		      UNION ALL
		      SELECT o.placed_at, 'web', 'place_checkout',
		             oms.audit_detail('orders', 'INSERT', NULL,
		                              jsonb_build_object('total_minor', o.total_minor, 'currency', o.currency))
		      WHERE NOT EXISTS (SELECT 1 FROM oms.audit_log a2
		                        WHERE a2.order_id = o.id AND a2.table_name = 'orders' AND a2.row_pk = o.id::text)
		      UNION ALL
		      SELECT x.at, x.actor, x.action, x.detail
		      FROM oms.cancellation ca
		      CROSS JOIN LATERAL (
		          SELECT ca.requested_at, coalesce(oms.staff_name_for(ca.requested_by, o.id), ca.requested_by),
		                 'cancel_order',
		                 -- decided later: the request waited, and an override
		                 -- was the decider's (its line says so), not the asker's
		                 oms.audit_detail('cancellation', 'INSERT', NULL,
		                     jsonb_build_object('scope', ca.scope, 'reason_code', ca.reason_code,
		                         'state', CASE WHEN ca.decided_at > ca.requested_at THEN 'pending_approval' ELSE ca.state END,
		                         'override_reason', CASE WHEN ca.decided_at > ca.requested_at THEN NULL
		                                                 ELSE ca.override_reason END))
		          UNION ALL
		          SELECT ca.decided_at, coalesce(oms.staff_name_for(ca.decided_by, o.id), ca.decided_by),
		                 'decide_cancellation',
		                 oms.audit_detail('cancellation', 'UPDATE', NULL,
		                     jsonb_build_object('state', ca.state || CASE WHEN ca.override_reason IS NOT NULL
		                                                                  THEN ', admin override' ELSE '' END))
		          WHERE ca.decided_at > ca.requested_at) x (at, actor, action, detail)
		      WHERE ca.order_id = o.id
		        AND NOT EXISTS (SELECT 1 FROM oms.audit_log a2
		                        WHERE a2.order_id = o.id AND a2.table_name = 'cancellation' AND a2.row_pk = ca.id::text)
		      UNION ALL
		      SELECT x.at, x.actor, x.action, x.detail
		      FROM oms.refund rf
		      CROSS JOIN LATERAL (
		          SELECT rf.created_at, coalesce(oms.staff_name_for(rf.requested_by, o.id), rf.requested_by),
		                 CASE WHEN rf.cancellation_id IS NULL THEN 'request_refund' ELSE 'cancel_order' END,
		                 oms.audit_detail('refund', 'INSERT', NULL,
		                     jsonb_build_object('amount_minor', rf.amount_minor, 'currency', rf.currency,
		                                        'approval', rf.approval))
		          UNION ALL
		          SELECT rf.executed_at, 'worker', 'refund_result',
		                 oms.audit_detail('refund', 'UPDATE', NULL, jsonb_build_object('status', rf.status))
		          WHERE rf.executed_at IS NOT NULL) x (at, actor, action, detail)
		      WHERE rf.order_id = o.id
		        AND NOT EXISTS (SELECT 1 FROM oms.audit_log a2
		                        WHERE a2.order_id = o.id AND a2.table_name = 'refund' AND a2.row_pk = rf.id::text)
		      ) u OFFSET 0) t
		WHERE t.detail IS NOT NULL), '[]'))
	INTO v_card
FROM oms.orders o
WHERE o.order_no = p_order_no;
RETURN v_card;
END
$$;
REVOKE ALL ON FUNCTION oms_api.order_card_json(bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.order_card_json(bigint) TO oms_admin, oms_csr, oms_fulfilment, oms_worker;

-- The same card as jsonb, for SQL that works on it (psql, tests, the
-- CLI's label lookup): the json text above, parsed.
CREATE OR REPLACE FUNCTION oms_api.order_card(p_order_no bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = oms, pg_catalog, pg_temp
AS $$ BEGIN RETURN oms_api.order_card_json(p_order_no)::jsonb; END $$;
REVOKE ALL ON FUNCTION oms_api.order_card(bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.order_card(bigint) TO oms_admin, oms_csr, oms_fulfilment, oms_worker;

-- The customer screen: profile, addresses, figures, tickets.
-- PL/pgSQL for its cached plan, as order_card.
CREATE OR REPLACE FUNCTION oms_api.customer_card_json(p_customer_id bigint) RETURNS json
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = oms, pg_catalog, pg_temp SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
	v_card json;
BEGIN
SELECT json_build_object(
	'id', c.id, 'full_name', c.full_name, 'email', c.email, 'phone', c.phone, 'created_at', c.created_at,
	'addresses', coalesce((
		SELECT json_agg(json_build_object('id', a.id, 'label', a.label, 'line1', a.line1, 'line2', a.line2,
		                'city', a.city, 'region', a.region, 'postal_code', a.postal_code, 'country', a.country,
		                'is_default', a.is_default) ORDER BY a.is_default DESC, a.id)
		FROM oms.address a WHERE a.customer_id = c.id), '[]'),
	'figures', (
		SELECT json_build_object(
			'orders', count(*),
			'spend_minor', coalesce(sum(o.total_minor) FILTER (WHERE o.status <> 'CANCELLED'), 0),
			'currency', min(o.currency),
			'cancellations', count(*) FILTER (WHERE o.status = 'CANCELLED'),
			'refunds_minor', coalesce((SELECT sum(r.amount_minor) FROM oms.refund r JOIN oms.orders ro ON ro.id = r.order_id
			                           WHERE ro.customer_id = c.id AND r.status = 'succeeded'), 0),
			'first_order_at', min(o.placed_at), 'last_order_at', max(o.placed_at))
		FROM oms.orders o WHERE o.customer_id = c.id),
	'tickets', coalesce((
		SELECT json_agg(json_build_object('id', t.id, 'subject', t.subject, 'status', t.status,
		                'priority', t.priority, 'created_at', t.created_at, 'order_no', o.order_no)
		                ORDER BY t.created_at DESC)
		FROM oms.ticket t LEFT JOIN oms.orders o ON o.id = t.order_id WHERE t.customer_id = c.id), '[]'))
	INTO v_card
FROM oms.customer c
WHERE c.id = p_customer_id;
RETURN v_card;
END
$$;
REVOKE ALL ON FUNCTION oms_api.customer_card_json(bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.customer_card_json(bigint) TO oms_admin, oms_csr, oms_fulfilment;

-- As jsonb (as order_card).
CREATE OR REPLACE FUNCTION oms_api.customer_card(p_customer_id bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = oms, pg_catalog, pg_temp
AS $$ BEGIN RETURN oms_api.customer_card_json(p_customer_id)::jsonb; END $$;
REVOKE ALL ON FUNCTION oms_api.customer_card(bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.customer_card(bigint) TO oms_admin, oms_csr, oms_fulfilment;

-- A customer's orders, newest first, keyset on (placed_at, order_no): pass
-- the last row's placed_at and order_no to get the next page.
-- PL/pgSQL for its cached plans (as order_card); the first page and the
-- next ones are two statements, so that the next page's keyset condition
-- is an index condition of orders_customer_history in the generic plan
-- (in one statement it would be "p_after IS NULL OR ...", a filter).
--
-- p_status (issue 13): NULL (any status), one status (PENDING ...
-- CANCELLED), or a group: 'open' (neither delivered nor cancelled),
-- 'shipped_not_delivered' (SHIPPED, IN_TRANSIT, OUT_FOR_DELIVERY,
-- DELIVERY_EXCEPTION), 'cancelled'. Anything else is refused (22023,
-- rule unknown_status). The filter is in the statement, so every page is
-- of the filtered list.
-- items: the units of the order's lines not cancelled; for a CANCELLED
-- order every unit of its lines (as its order card lists them), whether
-- its cancellation marked the lines (oms cancels them) or not (orders
-- loaded in bulk, as the demo's), so both count alike (issue 13).
-- stuck: one of the order's shipments is flagged (no movement).
DROP FUNCTION IF EXISTS oms_api.customer_orders(bigint,text,date,date,timestamp with time zone,bigint,integer);
CREATE OR REPLACE FUNCTION oms_api.customer_orders(p_customer_id bigint, p_status text DEFAULT NULL,
	p_from date DEFAULT NULL, p_to date DEFAULT NULL, p_after_placed timestamptz DEFAULT NULL,
	p_after_no bigint DEFAULT NULL, p_limit int DEFAULT 50)
RETURNS TABLE (order_no bigint, placed_at timestamptz, status text, seller_name text, items int,
               total_minor bigint, currency text, stuck boolean)
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = oms, pg_catalog, pg_temp SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
DECLARE
	v_limit constant int := least(greatest(coalesce(p_limit, 50), 1), 500);
	v_statuses text[];
	v_after_placed timestamptz := p_after_placed;
BEGIN
	-- The keyset is (placed_at, order_no) of the last row shown; given the
	-- order number alone, its placed_at is read here (the client used to
	-- send a subselect for it, planned on every call even for the first
	-- page: a third of a first page's time; issue 14).
	IF v_after_placed IS NULL AND p_after_no IS NOT NULL THEN
		SELECT o.placed_at INTO v_after_placed FROM oms.orders o WHERE o.order_no = p_after_no;
	END IF;
	-- (no status, the common call: nothing to work out. The CASE has a
	-- subquery, so PL/pgSQL runs it as a statement of its own, with an
	-- executor started and ended on every call; issue 14)
	IF p_status IS NOT NULL THEN
		v_statuses := CASE
			WHEN p_status = 'open' THEN
				ARRAY['PENDING', 'CONFIRMED', 'SHIPPED', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERY_EXCEPTION']
			WHEN p_status = 'shipped_not_delivered' THEN
				ARRAY['SHIPPED', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERY_EXCEPTION']
			WHEN p_status = 'cancelled' THEN ARRAY['CANCELLED']
			WHEN EXISTS (SELECT 1 FROM oms.order_status s WHERE s.status = p_status) THEN ARRAY[p_status]
		END;
	END IF;
	IF p_status IS NOT NULL AND v_statuses IS NULL THEN
		RAISE EXCEPTION 'unknown order status or group "%"', left(p_status, 40) USING ERRCODE = '22023',
			DETAIL = oms.error_detail(jsonb_build_object('rule', 'unknown_status', 'field', 'status',
				'value', left(p_status, 40),
				'allowed', (SELECT jsonb_agg(s.status ORDER BY s.sort) FROM oms.order_status s)
				           || '["open", "shipped_not_delivered", "cancelled"]'::jsonb));
	END IF;
	IF v_after_placed IS NULL THEN
		RETURN QUERY
		SELECT o.order_no, o.placed_at, o.status, s.name,
		       (SELECT sum(CASE WHEN o.status = 'CANCELLED' THEN i.qty ELSE i.qty - i.cancelled_qty END)::int
		        FROM oms.order_item i WHERE i.order_id = o.id),
		       o.total_minor, o.currency::text,
		       EXISTS (SELECT 1 FROM oms.shipment sh WHERE sh.order_id = o.id AND sh.flagged)
		FROM oms.orders o
		JOIN oms.seller s ON s.id = o.seller_id
		WHERE o.customer_id = p_customer_id
		  AND (v_statuses IS NULL OR o.status = ANY (v_statuses))
		  AND (p_from IS NULL OR o.placed_at >= p_from)
		  AND (p_to IS NULL OR o.placed_at < p_to + 1)
		ORDER BY o.placed_at DESC, o.order_no DESC
		LIMIT v_limit;
	ELSE
		RETURN QUERY
		SELECT o.order_no, o.placed_at, o.status, s.name,
		       (SELECT sum(CASE WHEN o.status = 'CANCELLED' THEN i.qty ELSE i.qty - i.cancelled_qty END)::int
		        FROM oms.order_item i WHERE i.order_id = o.id),
		       o.total_minor, o.currency::text,
		       EXISTS (SELECT 1 FROM oms.shipment sh WHERE sh.order_id = o.id AND sh.flagged)
		FROM oms.orders o
		JOIN oms.seller s ON s.id = o.seller_id
		WHERE o.customer_id = p_customer_id
		  AND (v_statuses IS NULL OR o.status = ANY (v_statuses))
		  AND (p_from IS NULL OR o.placed_at >= p_from)
		  AND (p_to IS NULL OR o.placed_at < p_to + 1)
		  AND (o.placed_at, o.order_no) < (v_after_placed, coalesce(p_after_no, 0))
		ORDER BY o.placed_at DESC, o.order_no DESC
		LIMIT v_limit;
	END IF;
END
$$;
REVOKE ALL ON FUNCTION oms_api.customer_orders(bigint,text,date,date,timestamp with time zone,bigint,integer) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.customer_orders(bigint,text,date,date,timestamp with time zone,bigint,integer) TO oms_admin, oms_csr, oms_fulfilment;

-- Customer id from an e-mail (any case), a phone number or an id; NULL if none.
-- PL/pgSQL: each branch is its own statement with a cached plan, and the
-- phone is normalised once, into a variable.
CREATE OR REPLACE FUNCTION oms_api.find_customer(p_text text) RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = oms, pg_catalog, pg_temp SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
	v_id bigint;
	v_phone text;
BEGIN
	IF p_text LIKE '%@%' THEN
		SELECT c.id INTO v_id FROM oms.customer c WHERE lower(c.email) = lower(btrim(p_text));
		RETURN v_id;
	END IF;
	IF btrim(p_text) ~ '^[0-9]{1,18}$' THEN
		SELECT c.id INTO v_id FROM oms.customer c WHERE c.id = btrim(p_text)::bigint;
		IF v_id IS NOT NULL THEN
			RETURN v_id;
		END IF;
	END IF;
	v_phone := oms.normalize_phone(p_text);
	IF v_phone IS NULL THEN
		RETURN NULL;
	END IF;
	SELECT min(c.id) INTO v_id FROM oms.customer c WHERE c.phone = v_phone;
	RETURN v_id;
END
$$;
REVOKE ALL ON FUNCTION oms_api.find_customer(text) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.find_customer(text) TO oms_admin, oms_csr, oms_fulfilment;

CREATE OR REPLACE FUNCTION oms_api.cancel_reasons()
RETURNS TABLE (code text, label text, requires_note boolean)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = oms, pg_catalog, pg_temp
AS $$
	SELECT r.code, r.label, r.requires_note FROM oms.cancellation_reason r WHERE r.active ORDER BY r.sort, r.code
$$;
REVOKE ALL ON FUNCTION oms_api.cancel_reasons() FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.cancel_reasons() TO oms_admin, oms_csr, oms_fulfilment;

RESET ROLE;
