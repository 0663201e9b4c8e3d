-- 0024: the per-database secret behind the analysts' pseudonymous customer
-- ids in exports (oms_report.export_orders / export_lines, sql/functions/
-- 97_export.sql): customer_ref = the first 16 hex digits of
-- sha256(secret || ':' || customer id). The id alone is a counter, so a
-- plain hash of it could be reversed by hashing 1, 2, 3...; with 256
-- random bits nobody without this row can. One row, made when the
-- migration runs; no role but the owner can read it (the report views
-- read it with the owner's rights). Replacing the row changes every
-- pseudonym (deliberately: that is how to unlink old exports).

SET LOCAL ROLE oms_owner;

CREATE TABLE oms.export_secret (
	id      boolean PRIMARY KEY DEFAULT true CHECK (id),
	secret  text NOT NULL CHECK (length(secret) >= 32)
);
COMMENT ON TABLE oms.export_secret IS 'key of the pseudonymous customer ids in analysts'' exports; owner only';
INSERT INTO oms.export_secret (secret)
VALUES (encode(sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text
	|| gen_random_uuid()::text || clock_timestamp()::text, 'UTF8')), 'hex'));

REVOKE ALL ON oms.export_secret FROM PUBLIC, oms_csr, oms_fulfilment, oms_analyst, oms_admin, oms_worker;
ALTER TABLE oms.export_secret ENABLE ROW LEVEL SECURITY;

RESET ROLE;
