-- The deltas' statuses after an attempt: applied, failed (error says why),
-- superseded (not sent: stale since planned; error says why) or still
-- pending (error says what the last attempt ran into). A delta a newer
-- plan superseded while it was under way is marked applied all the same
-- when the write went through: that is what happened to it.
-- $1 ids, $2 statuses, $3 errors (parallel arrays).
UPDATE plan_deltas d
SET status     = u.status,
    error      = u.error,
    applied_at = CASE WHEN u.status = 'applied' THEN now() ELSE d.applied_at END,
    updated_at = CASE WHEN u.status <> d.status THEN now() ELSE d.updated_at END
FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u (id, status, error)
WHERE d.id = u.id
  AND (d.status = 'pending' OR (d.status = 'superseded' AND u.status = 'applied'))
