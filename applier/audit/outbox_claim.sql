-- Claim the oldest free rows for one flusher: lease them, count the delivery.
-- SKIP LOCKED lets flushers in several processes claim disjoint batches; a row
-- whose lease ran out (its flusher crashed or hung) is free again.
-- $1 batch size, $2 lease in seconds.
UPDATE audit_outbox o
SET deliveries = o.deliveries + 1,
    leased_until = now() + make_interval(secs => $2)
FROM (
    SELECT id FROM audit_outbox
    WHERE leased_until IS NULL OR leased_until < now()
    ORDER BY id
    LIMIT $1
    FOR UPDATE SKIP LOCKED
) claimed
WHERE o.id = claimed.id
RETURNING o.id, o.deliveries, o.payload
