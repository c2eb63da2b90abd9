-- The send failed: free the rows for the next try and say why. With $2 true
-- the rows are set aside for people instead (leased forever): they cannot be
-- sent as they are, and retrying them would hold up the rest.
UPDATE audit_outbox
SET leased_until = CASE WHEN $2 THEN 'infinity'::timestamptz END,
    last_error = $3
WHERE id = ANY($1)
