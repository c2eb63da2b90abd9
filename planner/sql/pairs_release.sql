-- Destination objects that a pair found by key now gives to another source
-- object were recorded for a source object that is gone or changed: release
-- them, so that recording the new pair keeps id_map one to one.
-- $1 link id.
DELETE FROM id_map m
USING plan_stage_pairs p
WHERE m.link_id = $1 AND m.resource = p.resource AND m.destination_gid = p.destination_gid
  AND m.source_gid <> p.source_gid
