-- sql/functions/77_tickets.sql: Reading a support ticket (issue 13): the customer screen opens each ticket to its messages and order.
--
-- The one definition of each function and view here, with its grants.
-- `oms migrate` re-applies this file (in one transaction, after the
-- numbered migrations) whenever its text changes: keep it re-appliable
-- (CREATE OR REPLACE; see sql/functions/README for a changed signature).

SET LOCAL search_path = oms, pg_catalog;
SET LOCAL ROLE oms_owner;

-- One ticket with its messages, oldest first: {"id", "subject", "status",
-- "priority", "created_at", "updated_at", "order_no" (or null),
-- "customer_id", "assigned_to" (the staff member's name, or null),
-- "messages": [{"at", "author", "author_kind": staff | customer | system,
-- "body"}]}; NULL for a ticket that does not exist or that the caller may
-- not read. Runs as the caller: row-level security decides (CSR and
-- administrators every ticket, fulfilment staff their seller's orders').
-- PL/pgSQL for its cached plan, as the cards of 40_read_api.
CREATE OR REPLACE FUNCTION oms_api.ticket_card(p_ticket_id bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = oms, pg_catalog, pg_temp
AS $$
DECLARE
	v_card jsonb;
BEGIN
	SELECT jsonb_build_object(
		'id', t.id, 'subject', t.subject, 'status', t.status, 'priority', t.priority,
		'created_at', t.created_at, 'updated_at', t.updated_at, 'customer_id', t.customer_id,
		'order_no', (SELECT o.order_no FROM oms.orders o WHERE o.id = t.order_id),
		'assigned_to', CASE WHEN t.assigned_to IS NOT NULL
		                    THEN coalesce(oms.staff_name_for(t.assigned_to, t.order_id), t.assigned_to) END,
		'messages', coalesce((
			-- a staff member by name, as the order card names them
			SELECT jsonb_agg(jsonb_build_object('at', m.created_at,
			                 'author', CASE WHEN m.author_kind = 'staff'
			                                THEN coalesce(oms.staff_name_for(m.author, t.order_id), m.author)
			                                ELSE m.author END,
			                 'author_kind', m.author_kind, 'body', m.body) ORDER BY m.created_at, m.id)
			FROM oms.ticket_message m WHERE m.ticket_id = t.id), '[]'))
	INTO v_card
	FROM oms.ticket t
	WHERE t.id = p_ticket_id;
	RETURN v_card;
END
$$;
REVOKE ALL ON FUNCTION oms_api.ticket_card(bigint) FROM PUBLIC, oms_admin, oms_analyst, oms_csr, oms_fulfilment, oms_worker;
GRANT EXECUTE ON FUNCTION oms_api.ticket_card(bigint) TO oms_admin, oms_csr, oms_fulfilment;
