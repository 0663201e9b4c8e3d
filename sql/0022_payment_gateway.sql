-- 0022: the payment gateway as it behaves (issue 12): verification states,
-- capture, refunds followed to the end and checked, refusals for people.
-- Tables and data only; the functions are in sql/functions/60, 70 and 80.

-- A payment's last word from the gateway (requires_action, processing,
-- requires_capture, succeeded, ...; NULL before the first look), how many
-- times the worker looked, when its reference was attached (the
-- verification timeout counts from then, or from the order), and whether
-- the money was captured (false: authorised only, the worker captures it;
-- NULL: not known, an older payment, taken as captured).
ALTER TABLE oms.payment
	ADD COLUMN gateway_status text CHECK (gateway_status ~ '^[a-z_]{1,40}$'),
	ADD COLUMN looks int NOT NULL DEFAULT 0 CHECK (looks >= 0),
	ADD COLUMN attached_at timestamptz,
	ADD COLUMN captured boolean,
	ADD COLUMN captured_at timestamptz,
	-- references tried before this one (a failed payment retried)
	ADD COLUMN previous_refs text[] NOT NULL DEFAULT '{}';

-- Refunds: 'unknown' (the gateway's answer was lost or was an error it
-- replays: nobody knows whether money left), 'refused' (400/402: the
-- gateway will not do it; an administrator retries or settles it another
-- way), 'discrepancy' (the gateway's answer is not the refund we asked
-- for), 'settled_outside' (an administrator returned the money another way).
ALTER TABLE oms.refund DROP CONSTRAINT refund_status_check;
ALTER TABLE oms.refund ADD CONSTRAINT refund_status_check
	CHECK (status IN ('not_sent', 'pending', 'succeeded', 'failed', 'canceled',
	                  'unknown', 'refused', 'discrepancy', 'settled_outside'));
ALTER TABLE oms.refund DROP CONSTRAINT refund_check1;
ALTER TABLE oms.refund ADD CONSTRAINT refund_executed_at
	CHECK ((status IN ('succeeded', 'settled_outside')) = (executed_at IS NOT NULL));
ALTER TABLE oms.refund
	-- each fresh Idempotency-Key after an unknown outcome or a retry
	ADD COLUMN key_generation int NOT NULL DEFAULT 0 CHECK (key_generation >= 0),
	-- looks at a pending refund (its own schedule, not the job's attempts)
	ADD COLUMN checks int NOT NULL DEFAULT 0 CHECK (checks >= 0),
	ADD COLUMN settled_note text CHECK (char_length(settled_note) <= 10000);

-- The capture of an authorised payment is a job of its own.
ALTER TABLE oms.outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE oms.outbox ADD CONSTRAINT outbox_kind_check
	CHECK (kind IN ('refund', 'mail', 'seller_notify', 'inventory_release', 'payment_verify',
	                'payment_capture'));

-- Alerts for administrators about the gateway.
ALTER TABLE oms.alert DROP CONSTRAINT alert_kind_check;
ALTER TABLE oms.alert ADD CONSTRAINT alert_kind_check
	CHECK (kind IN ('refund_result_changed', 'ledger_overdrawn', 'refund_discrepancy', 'refund_refused',
	                'refund_unknown', 'payment_gateway_auth', 'payment_capture_failed'));

INSERT INTO oms.policy (key, value, description) VALUES
	('payment_verify_schedule', '1 minute, 10 minutes, 1 hour',
	 'waits between looks at a payment the gateway has not settled (the last one repeats)'),
	('payment_verify_timeout', '24 hours',
	 'a payment not settled at the gateway this long after its reference was attached fails'),
	('refund_check_schedule', '1 minute, 10 minutes, 1 hour, 6 hours',
	 'waits between looks at a refund the gateway left pending (the last one repeats)')
ON CONFLICT (key) DO NOTHING;
