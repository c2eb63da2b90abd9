-- Store one verified delivery. A webhook id already stored (Shopify delivers
-- at least once) stores nothing and returns no row. Processors LISTEN on
-- channel $9; it is notified, on commit, only of a new delivery that waits
-- to be applied.
--   $1 webhook_id, $2 store, $3 topic, $4 event_id, $5 api_version,
--   $6 triggered_at, $7 status (received or ignored), $8 payload, $9 channel
WITH stored AS (
    INSERT INTO webhook_deliveries
        (webhook_id, store, topic, event_id, api_version, triggered_at, status, processed_at, payload)
    VALUES
        ($1, $2, $3, $4, $5, $6, $7::text, CASE WHEN $7::text = 'ignored' THEN now() END, $8)
    ON CONFLICT (webhook_id) DO NOTHING
    RETURNING status
)
SELECT status,
       (CASE WHEN status = 'received' THEN pg_notify($9, '') END) IS NULL AS quiet
FROM stored
