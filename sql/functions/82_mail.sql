-- sql/functions/82_mail.sql: Mail: the database's key in every Message-ID, and the mail relay's alerts for administrators (issue 12).
--
-- The one definition of each function and view here, with its grants.
-- `oms migrate` re-applies this file (in one transaction, after the
-- numbered migrations) whenever its text changes: keep it re-appliable
-- (CREATE OR REPLACE; see sql/functions/README for a changed signature).

SET LOCAL search_path = oms, pg_catalog;
SET LOCAL ROLE oms_owner;

-- What makes a mail job's Message-ID this database's: 64 bits of the
-- database's UUID (sql/0023) and the job's creation time in microseconds,
-- both in hexadecimal ("0f1e2d3c4b5a6978.644f3a2b1c0d1": the Message-ID
-- header stays within 78 characters). The same job gives the same key on
-- every delivery; another database, or a restored copy's later job with
-- the same id, another one.
CREATE OR REPLACE FUNCTION oms_api.mail_message_key(p_job_id bigint) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
	SELECT left(replace(d.database_id::text, '-', ''), 16)
	       || coalesce('.' || (SELECT to_hex(floor(extract(epoch FROM o.created_at) * 1000000)::bigint)
	                          FROM oms.outbox o WHERE o.id = p_job_id), '')
	FROM oms.database_identity d
$$;
REVOKE ALL ON FUNCTION oms_api.mail_message_key(bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.mail_message_key(bigint) TO oms_worker;

-- The mail relay refused the worker itself (530 authentication required,
-- 503 bad sequence, 554 at connect, AUTH that would go in clear): one open
-- alert of kind 'mail_relay' for the administrators, whatever the number of
-- mails that met it; while it is open, later problems only update its
-- detail (last problem, count). True when a new alert was raised.
CREATE OR REPLACE FUNCTION oms_api.mail_relay_alert(p_problem text, p_detail jsonb) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp SET lock_timeout = '2s'
AS $$
DECLARE
	v_detail jsonb := coalesce(p_detail, '{}'::jsonb)
	                  || jsonb_build_object('problem', left(coalesce(oms.clean_text(p_problem), 'mail relay problem'), 300));
	v_id bigint;
BEGIN
	PERFORM oms.begin_action('mail_relay_alert', 'worker');
	-- one open alert at a time, also with several workers
	PERFORM pg_advisory_xact_lock(hashtext('oms.mail_relay_alert'));
	SELECT a.id INTO v_id FROM oms.alert a
	WHERE a.kind = 'mail_relay' AND a.resolved_at IS NULL
	ORDER BY a.id DESC LIMIT 1;
	IF FOUND THEN
		UPDATE oms.alert a
		SET detail = a.detail || v_detail
		             || jsonb_build_object('count', coalesce((a.detail ->> 'count')::int, 1) + 1,
		                                   'last_at', clock_timestamp())
		WHERE a.id = v_id;
		RETURN false;
	END IF;
	PERFORM oms.raise_alert('mail_relay', NULL, NULL, v_detail || jsonb_build_object('count', 1));
	RETURN true;
END
$$;
REVOKE ALL ON FUNCTION oms_api.mail_relay_alert(text,jsonb) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.mail_relay_alert(text,jsonb) TO oms_worker;

RESET ROLE;
