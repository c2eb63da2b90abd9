-- Store many verified deliveries in one statement and one commit, durably:
-- as inbox_insert.sql, synchronous_commit is turned on for this statement's
-- own transaction first, so the commit waits for the WAL flush whatever the
-- server's default, and no delivery of the group is answered before it is
-- durable. A webhook id already stored, or twice in the group, stores
-- nothing more; the ids RETURNING lists are the ones stored now.
--   arrays, one element per delivery: $1 webhook_id, $2 store, $3 topic,
--   $4 event_id, $5 api_version, $6 triggered_at, $7 status (received or
--   ignored), $8 payload (JSON text)
WITH durable AS MATERIALIZED (
    SELECT set_config('synchronous_commit', 'on', true)
)
INSERT INTO webhook_deliveries
    (webhook_id, store, topic, event_id, api_version, triggered_at, status, processed_at, payload)
SELECT d.webhook_id, d.store, d.topic, d.event_id, d.api_version, d.triggered_at, d.status,
       CASE WHEN d.status = 'ignored' THEN now() END, d.payload::jsonb
FROM durable,
     unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[], $8::text[])
         WITH ORDINALITY AS d (webhook_id, store, topic, event_id, api_version, triggered_at, status, payload, n)
ORDER BY d.n
ON CONFLICT (webhook_id) DO NOTHING
RETURNING webhook_id, status
