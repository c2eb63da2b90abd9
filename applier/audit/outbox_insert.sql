-- Append audit rows to the buffer, in one statement whatever their number
-- ($1 attempt ids, $2 destinations, $3 payloads, in row order; ids are given
-- in that order). A row whose attempt_id is there already is the same attempt
-- recorded again (a retried transaction): keep the first.
INSERT INTO audit_outbox (attempt_id, destination, payload)
SELECT attempt_id, destination, payload
FROM unnest($1::uuid[], $2::text[], $3::jsonb[]) WITH ORDINALITY AS r (attempt_id, destination, payload, n)
ORDER BY n
ON CONFLICT (attempt_id) DO NOTHING
