-- Store one verified delivery, durably: the first CTE turns synchronous_commit
-- on for this statement's own transaction, so that the commit waits for the
-- WAL flush even on a server whose default is off, and the answer to Shopify
-- never precedes a durable row. (It is a CTE the INSERT reads from, so it is
-- certainly evaluated, before the insert, in the same single round trip.)
-- A webhook id already stored (Shopify delivers at least once) stores nothing
-- and returns no row.
--   $1 webhook_id, $2 store, $3 topic, $4 event_id, $5 api_version,
--   $6 triggered_at, $7 status (received or ignored), $8 payload
WITH durable AS MATERIALIZED (
    SELECT set_config('synchronous_commit', 'on', true)
)
INSERT INTO webhook_deliveries
    (webhook_id, store, topic, event_id, api_version, triggered_at, status, processed_at, payload)
SELECT $1, $2, $3, $4, $5, $6, $7::text, CASE WHEN $7::text = 'ignored' THEN now() END, $8
FROM durable
ON CONFLICT (webhook_id) DO NOTHING
RETURNING status
