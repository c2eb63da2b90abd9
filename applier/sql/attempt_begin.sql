-- Counts an attempt for each delta about to be sent and records it as under
-- way, before the request leaves. The caller has locked the deltas and
-- checked its lease in the same transaction.
-- $1 store, $2 holder, $3 lease token, $4 delta ids, $5 batch keys,
-- $6 mutations, $7 attempt ids (parallel arrays).
WITH counted AS (
    UPDATE plan_deltas d SET attempts = d.attempts + 1
    FROM unnest($4::bigint[]) AS k (id)
    WHERE d.id = k.id AND d.status = 'pending'
    RETURNING d.id, d.attempts
)
INSERT INTO applier_attempts AS a (delta_id, store, attempt, attempt_id, batch_key, mutation, holder, token)
SELECT c.id, $1, c.attempts, k.attempt_id, k.batch_key, k.mutation, $2, $3
FROM counted c
JOIN unnest($4::bigint[], $5::text[], $6::text[], $7::uuid[]) AS k (id, batch_key, mutation, attempt_id) ON k.id = c.id
ON CONFLICT (delta_id) DO UPDATE SET
    store = EXCLUDED.store, attempt = EXCLUDED.attempt, attempt_id = EXCLUDED.attempt_id, batch_key = EXCLUDED.batch_key,
    mutation = EXCLUDED.mutation, holder = EXCLUDED.holder, token = EXCLUDED.token, started_at = now()
RETURNING a.delta_id, a.attempt
