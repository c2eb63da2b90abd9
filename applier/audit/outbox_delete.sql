-- ClickHouse has these rows: they leave the buffer.
DELETE FROM audit_outbox WHERE id = ANY($1)
