-- One link of the configuration, by its (source, destination) pair. Unchanged
-- rows are not touched (no row is returned then).
INSERT INTO links (
    source_store, destination_store, enabled, match_key,
    currency_factor, price_multiplier, price_offset, round_to, compare_at_mode,
    field_policies, delete_policy, inventory_mode, location_map,
    sync_collections, sync_pages, sync_blogs, sync_orders)
VALUES (
    @source_store, @destination_store, @enabled, @match_key,
    @currency_factor, @price_multiplier, @price_offset, @round_to, @compare_at_mode,
    @field_policies, @delete_policy, @inventory_mode, @location_map,
    @sync_collections, @sync_pages, @sync_blogs, @sync_orders)
ON CONFLICT (source_store, destination_store) DO UPDATE SET
    enabled = EXCLUDED.enabled,
    match_key = EXCLUDED.match_key,
    currency_factor = EXCLUDED.currency_factor,
    price_multiplier = EXCLUDED.price_multiplier,
    price_offset = EXCLUDED.price_offset,
    round_to = EXCLUDED.round_to,
    compare_at_mode = EXCLUDED.compare_at_mode,
    field_policies = EXCLUDED.field_policies,
    delete_policy = EXCLUDED.delete_policy,
    inventory_mode = EXCLUDED.inventory_mode,
    location_map = EXCLUDED.location_map,
    sync_collections = EXCLUDED.sync_collections,
    sync_pages = EXCLUDED.sync_pages,
    sync_blogs = EXCLUDED.sync_blogs,
    sync_orders = EXCLUDED.sync_orders,
    updated_at = now()
WHERE (links.enabled, links.match_key, links.currency_factor, links.price_multiplier, links.price_offset,
       links.round_to, links.compare_at_mode, links.field_policies, links.delete_policy, links.inventory_mode,
       links.location_map, links.sync_collections, links.sync_pages, links.sync_blogs, links.sync_orders)
    IS DISTINCT FROM
      (EXCLUDED.enabled, EXCLUDED.match_key, EXCLUDED.currency_factor, EXCLUDED.price_multiplier, EXCLUDED.price_offset,
       EXCLUDED.round_to, EXCLUDED.compare_at_mode, EXCLUDED.field_policies, EXCLUDED.delete_policy, EXCLUDED.inventory_mode,
       EXCLUDED.location_map, EXCLUDED.sync_collections, EXCLUDED.sync_pages, EXCLUDED.sync_blogs, EXCLUDED.sync_orders)
