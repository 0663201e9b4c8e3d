-- 0026: the payment gateway's webhook events (issue 12), each stored once
-- by its id when oms-worker's listener accepts it, with what was done
-- about it. The listener acknowledges an event only after this row is
-- committed; a repeated delivery finds it and does nothing again.
SET LOCAL ROLE oms_owner;
SET LOCAL search_path = oms, pg_catalog;

CREATE TABLE oms.gateway_event (
	id           text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_]{1,128}$'),
	type         text NOT NULL CHECK (type ~ '^[a-z_.]{1,80}$'),
	object_id    text CHECK (object_id ~ '^[A-Za-z0-9_]{1,128}$'),
	received_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
	outcome      text CHECK (char_length(outcome) <= 500)
);
CREATE INDEX gateway_event_object_idx ON oms.gateway_event (object_id);
