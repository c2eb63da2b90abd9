-- Takes a destination's lease for a holder when it is free, expired or the
-- holder's own. The token grows whenever the lease changes hands or is taken
-- again after lapsing, so outcomes recorded under an older token are refused.
-- $1 store, $2 holder, $3 lease length in seconds.
INSERT INTO destination_leases AS l (store, holder, token, acquired_at, renewed_at, expires_at)
VALUES ($1, $2, 1, now(), now(), now() + make_interval(secs => $3))
ON CONFLICT (store) DO UPDATE SET
    token       = CASE WHEN l.holder = EXCLUDED.holder AND l.expires_at > now() THEN l.token ELSE l.token + 1 END,
    acquired_at = CASE WHEN l.holder = EXCLUDED.holder AND l.expires_at > now() THEN l.acquired_at ELSE now() END,
    holder      = EXCLUDED.holder,
    renewed_at  = now(),
    expires_at  = EXCLUDED.expires_at
WHERE l.expires_at <= now() OR l.holder = EXCLUDED.holder
RETURNING token
