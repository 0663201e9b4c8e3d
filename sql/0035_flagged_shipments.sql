-- 0035: the flagged shipments of an order, from an index of them alone
-- (issue 14). Every row of a customer's history page, and every order a
-- lookup finds, says whether one of the order's shipments is flagged (no
-- movement, sql/0010): EXISTS (... WHERE sh.order_id = o.id AND
-- sh.flagged). Through shipment_order_idx that read each of the order's
-- shipments to find none flagged; flagged shipments are few (150 of the
-- full demo's 956,652), so their own index is a page or two, and an order
-- without one is answered by it alone. A history page of a customer's
-- orders: 230 -> 190 us of server time (2 clients, full demo).

SET LOCAL ROLE oms_owner;

CREATE INDEX shipment_flagged_order ON oms.shipment (order_id) WHERE flagged;
