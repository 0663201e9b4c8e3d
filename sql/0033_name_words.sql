-- 0033: exact-word name search (issue 14). A surname typed on the phone
-- is most often a whole word of the names it should find; those names
-- rank first (oms-schema(7), Name search) and are read from a btree
-- instead of ranking every trigram match:
--   customer_name_word: one row per customer and word of the folded name
--     (oms.name_words: its runs of letters and digits, as pg_trgm splits
--     words), with ntrgm, the name's count of distinct trigrams. For a
--     one-word fragment every name holding it as a word has word
--     similarity 1 and similarity ntrgm(word) / ntrgm(name), so the index
--     (word, ntrgm, customer_id) lists a surname's names in rank order.
--   kept by the trigger name_words on oms.customer (insert, name change;
--     its function's body is in sql/functions/40_read_api.sql), ENABLE
--     ALWAYS so that bulk loads under session_replication_role = replica
--     (the demo's) keep it too; filled here for the names already stored.
--   row security as oms.customer's: the staff who read every customer
--     read every row, fulfilment only its own customers' words.

SET LOCAL ROLE oms_owner;

CREATE TABLE oms.customer_name_word (
	customer_id bigint NOT NULL REFERENCES oms.customer (id) ON DELETE CASCADE,
	word text NOT NULL,
	ntrgm int NOT NULL,
	PRIMARY KEY (customer_id, word)
);
CREATE INDEX customer_name_word_rank ON oms.customer_name_word (word, ntrgm, customer_id);

GRANT SELECT ON oms.customer_name_word TO oms_admin, oms_csr, oms_worker, oms_fulfilment;
ALTER TABLE oms.customer_name_word ENABLE ROW LEVEL SECURITY;
CREATE POLICY all_rows ON oms.customer_name_word FOR SELECT TO oms_admin, oms_csr, oms_worker USING (true);
CREATE POLICY seller_rows ON oms.customer_name_word FOR SELECT TO oms_fulfilment
	USING (EXISTS (SELECT 1 FROM oms.orders o WHERE o.customer_id = customer_name_word.customer_id));

-- (stubs: sql/functions/40_read_api.sql gives the definitions)
CREATE FUNCTION oms.name_words(p_folded text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN ARRAY(SELECT DISTINCT w FROM regexp_split_to_table(p_folded, '[^[:alnum:]]+') w WHERE w <> '' ORDER BY w);
CREATE FUNCTION oms.customer_name_words_trg() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;

CREATE TRIGGER name_words AFTER INSERT OR UPDATE OF full_name, id ON oms.customer
	FOR EACH ROW EXECUTE FUNCTION oms.customer_name_words_trg();
ALTER TABLE oms.customer ENABLE ALWAYS TRIGGER name_words;

INSERT INTO oms.customer_name_word (customer_id, word, ntrgm)
SELECT c.id, w, cardinality(oms.show_trgm(c.name_folded))
FROM oms.customer c, unnest(oms.name_words(c.name_folded)) w;
