-- 0028: an authorised payment's capture takes only what is still owed
-- (issue 12). Tables only; the functions are in sql/functions/60 and 70.

-- What the worker asked the gateway to capture (its claim, made once under
-- the order's lock: the authorised amount less the refunds granted before
-- it; 0: nothing, the payment intent is cancelled instead), and when.
-- NULL: no capture asked yet.
ALTER TABLE oms.payment
	ADD COLUMN capture_minor bigint CHECK (capture_minor >= 0),
	ADD COLUMN capture_claimed_at timestamptz;

-- A refund granted while its payment was only authorised and not yet
-- claimed for capture: the money is never taken, so it is released at
-- the gateway by capturing less (amount_to_capture) or by cancelling the
-- payment intent, not refunded. Refunds granted after the claim are
-- refunded once the capture is done.
ALTER TABLE oms.refund
	ADD COLUMN released boolean NOT NULL DEFAULT false;
