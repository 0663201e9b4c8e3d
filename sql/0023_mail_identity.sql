-- 0023: mail that is recognisably this database's (issue 12).
--
-- Message-IDs derive from the outbox job id, so a job delivered twice
-- (at-least-once) carries one Message-ID. Job ids repeat across databases:
-- staging, production and a restored backup counted the same ids. The
-- database's own UUID, made here once when `oms migrate` creates or
-- upgrades it, goes into every Message-ID (with the job's creation time,
-- which also tells a restored copy's new jobs from the original's); read
-- with oms_api.mail_message_key (sql/functions/82_mail.sql).
--
-- And the mail relay itself can be the problem (authentication required,
-- a bad command sequence, a refusal at connect): the worker raises one
-- alert of kind 'mail_relay' for the administrators instead of killing
-- every queued mail (oms_api.mail_relay_alert).

SET LOCAL ROLE oms_owner;

CREATE TABLE oms.database_identity (
	singleton    boolean PRIMARY KEY DEFAULT true CHECK (singleton),
	database_id  uuid NOT NULL DEFAULT gen_random_uuid(),
	created_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
INSERT INTO oms.database_identity DEFAULT VALUES;
REVOKE ALL ON oms.database_identity FROM PUBLIC;
GRANT SELECT ON oms.database_identity TO oms_admin;

-- The alert kinds are the ones the earlier migrations allow, plus
-- 'mail_relay' (read from the constraint, so that this migration keeps
-- whatever kinds came before it).
DO $$
DECLARE
	v_def text;
	v_kinds text[];
BEGIN
	SELECT pg_get_constraintdef(c.oid) INTO v_def
	FROM pg_constraint c
	WHERE c.conrelid = 'oms.alert'::regclass AND c.conname = 'alert_kind_check';
	SELECT array_agg(DISTINCT m[1]) INTO v_kinds
	FROM regexp_matches(coalesce(v_def, ''), '''([a-z_]+)''', 'g') AS m;
	v_kinds := array(SELECT DISTINCT k FROM unnest(coalesce(v_kinds, '{}') || ARRAY['mail_relay']) k ORDER BY k);
	ALTER TABLE oms.alert DROP CONSTRAINT IF EXISTS alert_kind_check;
	EXECUTE format('ALTER TABLE oms.alert ADD CONSTRAINT alert_kind_check CHECK (kind = ANY (%L::text[]))',
	               v_kinds);
END
$$;

RESET ROLE;
