-- 0027: name search without a cap on the candidates (issue 14). Each
-- customer's name is folded once, when it is written (oms.fold_name: lower
-- case, accents removed), into the stored column name_folded, and two
-- trigram indexes on it serve oms_api.lookup(kind 'name'):
--   customer_name_trgm (GIN, replacing 0002's index on the expression
--     oms.fold_name(full_name)): the matches of a rare name or of a first
--     name and a surname, a few posting lists intersected; the rows are
--     no longer folded again to check them.
--   customer_name_knn (GiST): a common name's matches in rank order,
--     ORDER BY name_folded <->> query (1 - word similarity),
--     name_folded <-> query (1 - similarity): an index-ordered (KNN)
--     scan that stops after the page instead of ranking every match.
-- (0026 was taken by the gateway events of issue 12. The GiST index's
-- default signature length: 256 or 1024 bytes read no fewer pages at 100k
-- names.)

SET LOCAL ROLE oms_owner;

ALTER TABLE oms.customer
	ADD COLUMN name_folded text GENERATED ALWAYS AS (oms.fold_name(full_name)) STORED;
DROP INDEX oms.customer_name_trgm;
CREATE INDEX customer_name_trgm ON oms.customer USING gin (name_folded oms.gin_trgm_ops);
CREATE INDEX customer_name_knn ON oms.customer USING gist (name_folded oms.gist_trgm_ops);
