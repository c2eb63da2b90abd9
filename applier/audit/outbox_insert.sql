-- Append one audit row to the buffer. A second row with the same attempt_id is
-- the same attempt recorded again (a retried transaction): keep the first.
INSERT INTO audit_outbox (attempt_id, destination, payload)
VALUES ($1, $2, $3)
ON CONFLICT (attempt_id) DO NOTHING
