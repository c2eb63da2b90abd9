-- Question: how many Shopify cost points did writes to each destination use
-- between {from} and {to}, and how much per applied write?
-- Answer: one row per destination, costliest first. points is the
-- actualQueryCost charged (each row carries its share of the request that
-- carried it); requested_points what was asked for before the request ran.
-- Throttled and failed attempts cost points too, which points_per_applied_write
-- includes: it is what one successful change really costs.
-- Parameters: {from:DateTime} and {to:DateTime}, UTC; from included, to not.
SELECT
    destination,
    count() AS attempts,
    countIf(status = 'ok') AS applied,
    sum(cost) AS points,
    sum(requested_cost) AS requested_points,
    round(sum(cost) / count(), 2) AS points_per_attempt,
    round(sum(cost) / greatest(countIf(status = 'ok'), 1), 2) AS points_per_applied_write
FROM audit_writes FINAL
WHERE time >= {from:DateTime}
  AND time < {to:DateTime}
GROUP BY destination
ORDER BY points DESC, destination
