-- Claim up to $2 deliveries that wait to be applied, oldest trigger first,
-- skipping rows another processor holds and the webhook ids in $1 (this
-- processor's failed deliveries still backing off). The row locks last until
-- the claiming transaction ends, which is also when the deliveries' new
-- statuses and the mirror's writes commit.
SELECT webhook_id, store, topic, coalesce(event_id, ''), coalesce(api_version, ''),
       triggered_at, received_at, attempts, payload
FROM webhook_deliveries
WHERE status IN ('received', 'failed')
  AND webhook_id <> ALL ($1::text[])
ORDER BY coalesce(triggered_at, received_at), received_at, webhook_id
LIMIT $2
FOR UPDATE SKIP LOCKED
