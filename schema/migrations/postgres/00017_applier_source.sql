-- The applier's own writes get a source of their own in the change rows.
-- The applier records what a store answered to its write into the mirror at
-- once (so the planner sees the store in sync without waiting for webhooks);
-- until now those change rows said reconcile, like a reconciliation pass that
-- found a change someone else made. The planner needs to tell them apart: a
-- destination's change that shopsync wrote itself needs no replanning, while
-- one found by reconciliation is drift to correct.

-- +goose Up
ALTER TABLE change_outbox DROP CONSTRAINT change_outbox_source_check;
ALTER TABLE change_outbox ADD CONSTRAINT change_outbox_source_check
    CHECK (source IN ('bulk', 'webhook', 'reconcile', 'applier')) NOT VALID;
ALTER TABLE change_outbox VALIDATE CONSTRAINT change_outbox_source_check;
COMMENT ON COLUMN change_outbox.source IS 'What caused the change: bulk (snapshot), webhook, reconcile (a reconciliation pass or a re-read), or applier (the store''s answer to a write of shopsync''s own).';

-- +goose Down
UPDATE change_outbox SET source = 'reconcile' WHERE source = 'applier';
ALTER TABLE change_outbox DROP CONSTRAINT change_outbox_source_check;
ALTER TABLE change_outbox ADD CONSTRAINT change_outbox_source_check
    CHECK (source IN ('bulk', 'webhook', 'reconcile'));
COMMENT ON COLUMN change_outbox.source IS 'What caused the change: bulk (snapshot), webhook, or reconcile.';
