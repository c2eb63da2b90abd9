-- Question: how many writes did shopsync attempt per hour and destination
-- between {from} and {to}, and how did they end?
-- Answer: one row per hour (UTC, start of the hour) and destination that had
-- attempts, oldest first: attempts by status and the points they cost.
-- Parameters: {from:DateTime} and {to:DateTime}, UTC; from included, to not.
SELECT
    toStartOfHour(time, 'UTC') AS hour,
    destination,
    count() AS attempts,
    countIf(status = 'ok') AS ok,
    countIf(status = 'user_error') AS user_error,
    countIf(status = 'throttled') AS throttled,
    countIf(status = 'failed') AS failed,
    countIf(status = 'skipped') AS skipped,
    sum(cost) AS points
FROM audit_writes FINAL
WHERE time >= {from:DateTime}
  AND time < {to:DateTime}
GROUP BY hour, destination
ORDER BY hour, destination
