-- Question: what did shopsync change in store {store} yesterday (the UTC day
-- before today)?
-- Answer: one row per write Shopify applied to that store (status ok), oldest
-- first: the object, the operation and mutation, the object before the write
-- and what was written, and the planner run and delta it came from.
-- Parameters: {store:String} the store's *.myshopify.com domain.
SELECT
    time,
    resource,
    key,
    target_gid,
    operation,
    mutation,
    before,
    after,
    run_id,
    delta_id
FROM audit_writes FINAL
WHERE destination = {store:String}
  AND status = 'ok'
  AND time >= toStartOfDay(now(), 'UTC') - 86400
  AND time < toStartOfDay(now(), 'UTC')
ORDER BY time, resource, key
