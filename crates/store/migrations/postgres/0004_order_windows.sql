-- Order-history windows ("orders in the last N days": count or sum of completed orders) group the
-- window's orders by customer. With status and amount in the per-customer index the scan can be
-- index-only.
DROP INDEX orders_customer;
CREATE INDEX orders_customer ON orders (customer_id, ordered_at) INCLUDE (status, amount);
