-- 0036: a customer's city from the index alone (issue 14). Every customer
-- a lookup finds (a name search: up to 50 a page) shows the city of the
-- default address, else of the first: (SELECT a.city FROM oms.address a
-- WHERE a.customer_id = c.id ORDER BY a.is_default DESC, a.id LIMIT 1).
-- Through address_customer_idx (customer_id) that read each of the
-- customer's addresses from the table and sorted them, once per row; in
-- this index's order the first entry is the answer, and it carries the
-- city. It also serves what address_customer_idx did (its first column),
-- so that one goes: still one index to keep up per address written.
-- A surname's first page (50 rows, full demo, 2 clients, prepared):
-- 464-497 -> 408-420 us of server time.

SET LOCAL ROLE oms_owner;

CREATE INDEX address_customer_city ON oms.address (customer_id, is_default DESC, id) INCLUDE (city);
DROP INDEX oms.address_customer_idx;
