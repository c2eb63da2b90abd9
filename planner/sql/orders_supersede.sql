-- Pending order deltas of the link (of the orders in scope) that the run did
-- not plan again exactly: superseded, by a newer delta for the same order or
-- because the order needs nothing now (created or cancelled meanwhile).
-- $1 link id, $2 destination order GIDs in scope (NULL: every order).
UPDATE plan_deltas d
SET status = 'superseded', updated_at = now()
WHERE d.link_id = $1 AND d.status = 'pending' AND d.resource = 'order'
  AND ($2::text[] IS NULL OR d.key = ANY($2::text[]))
  AND NOT EXISTS (
      SELECT 1 FROM plan_orders_stage n
      WHERE n.key = d.key AND n.operation = d.operation
        AND n.target_gid IS NOT DISTINCT FROM d.target_gid
        AND n.desired = d.desired)
RETURNING d.operation
