-- Per destination: the plan's deltas by status, the age of the oldest
-- pending one, who holds the lease, and the budget the applier last saw.
SELECT s.domain,
       coalesce(d.pending, 0), coalesce(d.applied, 0), coalesce(d.failed, 0), coalesce(d.superseded, 0),
       d.oldest_pending,
       l.holder, l.expires_at,
       b.maximum_available::float8, b.currently_available::float8, b.restore_rate::float8,
       b.cost_last_minute, b.requests, b.throttled, b.observed_at
FROM stores s
LEFT JOIN LATERAL (
    SELECT count(*) FILTER (WHERE status = 'pending')    AS pending,
           count(*) FILTER (WHERE status = 'applied')    AS applied,
           count(*) FILTER (WHERE status = 'failed')     AS failed,
           count(*) FILTER (WHERE status = 'superseded') AS superseded,
           min(created_at) FILTER (WHERE status = 'pending') AS oldest_pending
    FROM plan_deltas WHERE target_store = s.domain
) d ON true
LEFT JOIN destination_leases l ON l.store = s.domain
LEFT JOIN applier_budgets b ON b.store = s.domain
WHERE s.role = 'destination'
ORDER BY s.domain
