-- Question: how long did Shopify take to answer the writes to each
-- destination between {from} and {to}?
-- Answer: per destination, the round-trip time of the requests carrying the
-- writes (milliseconds): median, 90th and 99th percentile, and the slowest.
-- Skipped attempts sent nothing and are left out. quantileExact gives the
-- value at rank floor(level * attempts) of the sorted latencies (from 0).
-- Parameters: {from:DateTime} and {to:DateTime}, UTC; from included, to not.
SELECT
    destination,
    count() AS attempts,
    quantileExact(0.5)(latency_ms) AS p50_ms,
    quantileExact(0.9)(latency_ms) AS p90_ms,
    quantileExact(0.99)(latency_ms) AS p99_ms,
    max(latency_ms) AS max_ms
FROM audit_writes FINAL
WHERE status != 'skipped'
  AND time >= {from:DateTime}
  AND time < {to:DateTime}
GROUP BY destination
ORDER BY p99_ms DESC, destination
