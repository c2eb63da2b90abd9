-- Question: why did writes fail between {from} and {to}?
-- Answer: the failed attempts (Shopify refused them, throttled them, or the
-- request failed) grouped by status and reason, most frequent first. The
-- reason is the error with its numbers masked as N, so that the same error
-- about different objects counts as one reason; example is one full error.
-- Parameters: {from:DateTime} and {to:DateTime}, UTC; from included, to not.
SELECT
    status,
    replaceRegexpAll(error, '[0-9]+', 'N') AS reason,
    count() AS failures,
    uniqExact(destination) AS destinations,
    uniqExact(destination, resource, key) AS objects,
    min(time) AS first_seen,
    max(time) AS last_seen,
    min(error) AS example
FROM audit_writes FINAL
WHERE status IN ('user_error', 'throttled', 'failed')
  AND time >= {from:DateTime}
  AND time < {to:DateTime}
GROUP BY status, reason
ORDER BY failures DESC, status, reason
