-- Record the outcome of one batch: per webhook id ($1) its new status ($2:
-- processed, ignored or failed) and error text ($3, '' for none). Every
-- attempt counts, whatever its outcome. processed_at is this statement's
-- time, the end of the batch's work just before its commit, not the
-- transaction's start (now()).
UPDATE webhook_deliveries AS d
SET status       = m.status,
    attempts     = d.attempts + 1,
    error        = nullif(m.error, ''),
    processed_at = CASE WHEN m.status IN ('processed', 'ignored') THEN statement_timestamp() END
FROM unnest($1::text[], $2::text[], $3::text[]) AS m (webhook_id, status, error)
WHERE d.webhook_id = m.webhook_id
