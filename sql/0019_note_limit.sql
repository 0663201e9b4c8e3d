-- 0019: what a person types in a note, reason, override reason or decision
-- note is at most 10,000 characters (0014 said 2000): long enough for a
-- ticket's message or a careful account of a dispute, short enough that no
-- session can fill a table with megabytes of text. oms.note_max()
-- (sql/functions/10_core.sql) says the same and the functions refuse with
-- a clear message first; these CHECKs are the backstop for every writer.

SET LOCAL ROLE oms_owner;

ALTER TABLE oms.cancellation
	DROP CONSTRAINT cancellation_note_len,
	DROP CONSTRAINT cancellation_decision_note_len,
	DROP CONSTRAINT cancellation_override_reason_len,
	ADD CONSTRAINT cancellation_note_len CHECK (char_length(note) <= 10000),
	ADD CONSTRAINT cancellation_decision_note_len CHECK (char_length(decision_note) <= 10000),
	ADD CONSTRAINT cancellation_override_reason_len CHECK (char_length(override_reason) <= 10000);
ALTER TABLE oms.refund
	DROP CONSTRAINT refund_reason_len,
	DROP CONSTRAINT refund_note_len,
	DROP CONSTRAINT refund_decision_note_len,
	ADD CONSTRAINT refund_reason_len CHECK (char_length(reason) <= 10000),
	ADD CONSTRAINT refund_note_len CHECK (char_length(note) <= 10000),
	ADD CONSTRAINT refund_decision_note_len CHECK (char_length(decision_note) <= 10000);
ALTER TABLE oms.alert
	DROP CONSTRAINT alert_note_check,
	ADD CONSTRAINT alert_note_check CHECK (char_length(note) <= 10000);

RESET ROLE;
