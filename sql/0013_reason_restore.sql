-- 0013: a retired cancellation reason can be brought back.
--
-- reason_restore (oms reason restore): an administrator puts a reason that
-- reason_retire (0010) took out of use back into use: it is offered
-- (cancel_reasons) and accepted (BR-023) again, with the label and the
-- note rule it had. reason_add cannot do this (the code exists: a reason is
-- never deleted, cancellations keep it). Mirrors reason_retire: an unknown
-- code is P0002, one that is active already OM002 (nothing to do). The
-- audit trigger on oms.cancellation_reason records the change under the
-- action name reason_restore.

SET LOCAL ROLE oms_owner;
SET LOCAL search_path = oms, pg_catalog;

CREATE FUNCTION oms_api.reason_restore(p_code text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_role constant text := oms.begin_action('reason_restore', 'admin');
	v oms.cancellation_reason;
BEGIN
	-- The row locked: two administrators restoring it at once are served
	-- one after the other, and the second is told it is active already.
	SELECT * INTO v FROM oms.cancellation_reason r WHERE r.code = p_code FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no cancellation reason "%"', coalesce(p_code, '') USING ERRCODE = 'P0002';
	ELSIF v.active THEN
		RAISE EXCEPTION 'reason "%" is in use already', p_code USING ERRCODE = 'OM002';
	END IF;
	UPDATE oms.cancellation_reason SET active = true WHERE code = p_code;
END
$$;

REVOKE EXECUTE ON FUNCTION oms_api.reason_restore(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION oms_api.reason_restore(text) TO oms_admin;

RESET ROLE;
RESET search_path;
