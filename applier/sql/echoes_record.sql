-- The applier's own writes, for recognising the webhooks they cause: each
-- with what the object holds now, the content hash the mirror computed from
-- the write's answer (products and variants) or the quantity set.
-- $1 store, $2 resources, $3 GIDs, $4 location GIDs ('' for none),
-- $5 quantities, $6 keys, $7 delta ids (parallel arrays), $8 TTL seconds.
INSERT INTO applier_writes (store, resource, gid, location_gid, content_hash, quantity, idempotency_key, delta_id, expires_at)
SELECT $1, e.resource, e.gid, nullif(e.location, ''), h.hash, e.quantity, e.key, e.delta_id,
       now() + make_interval(secs => $8)
FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::bigint[])
     AS e (resource, gid, location, quantity, key, delta_id)
CROSS JOIN LATERAL (
    SELECT CASE e.resource
        WHEN 'product' THEN (SELECT p.content_hash FROM products p WHERE p.store = $1 AND p.gid = e.gid AND p.deleted_at IS NULL)
        WHEN 'variant' THEN (SELECT v.content_hash FROM variants v WHERE v.store = $1 AND v.gid = e.gid AND v.deleted_at IS NULL)
    END AS hash
) h
WHERE e.resource <> 'variant' OR h.hash IS NOT NULL
