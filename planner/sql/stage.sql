-- The planning transaction's scratch tables, created once per connection and
-- emptied at every commit or rollback. A dry run fills them and rolls back.
CREATE TEMP TABLE IF NOT EXISTS plan_stage (
    resource        text   NOT NULL,
    operation       text   NOT NULL,
    key             text   NOT NULL,
    source_gid      text,
    target_gid      text,
    desired         jsonb  NOT NULL,
    planned_version bigint,
    reason          text   NOT NULL
) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS plan_stage_conflicts (
    resource text   NOT NULL,
    side     text   NOT NULL,
    reason   text   NOT NULL,
    key      text   NOT NULL,
    gids     text[] NOT NULL,
    blocked  text[] NOT NULL
) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS plan_stage_pairs (
    resource        text NOT NULL,
    source_gid      text NOT NULL,
    destination_gid text NOT NULL
) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS plan_stage_scope (
    resource text NOT NULL,
    key      text NOT NULL
) ON COMMIT DELETE ROWS;
-- The product pairs between the two steps of a full plan of the products
-- family, which ANALYZEs them.
CREATE TEMP TABLE IF NOT EXISTS plan_work (
    sgid   text    NOT NULL,
    live   boolean NOT NULL,
    key    text    NOT NULL,
    dgid   text,
    by_map boolean NOT NULL
) ON COMMIT DELETE ROWS;
