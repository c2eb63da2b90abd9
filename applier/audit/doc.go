// Package audit records every write attempt of the applier as one row of
// ClickHouse's audit_writes, without losing or repeating a row while
// ClickHouse is down, slow or restarted, or while the applier crashes.
//
// # How a row travels
//
// Writer.RecordTx appends rows to PostgreSQL's audit_outbox in the caller's
// transaction, the one that records the deltas' outcome, so the audit rows and
// the deltas' status commit together or not at all (Writer.Record does the
// same in a transaction of its own). Either takes any number of rows in one
// statement. A background flusher then claims the
// oldest rows (up to Config.BatchSize, at least every Config.FlushInterval),
// inserts them into ClickHouse as one native batch (PrepareBatch: the only
// insert ClickHouse 18.16 accepts from clickhouse-go v2.26.0), and removes
// them from audit_outbox only after ClickHouse acknowledged the batch. While
// ClickHouse is unreachable the rows stay in PostgreSQL; the flusher retries
// with exponential backoff, logs once when delivery starts failing and once
// when it recovers, and reports Healthy() false with LastError().
//
// # The guarantee, as built
//
// Every row whose Record returned nil, or whose RecordTx transaction
// committed, reaches audit_writes: nothing removes it from audit_outbox
// before ClickHouse acknowledged it. Rows are claimed with a lease
// (Config.Lease, longer than Config.SendTimeout), so flushers in several
// processes share the buffer without sending the same row at the same time,
// and the rows of a crashed flusher are taken again when the lease ends.
//
// A row can be sent twice when a flusher loses track of a batch ClickHouse
// did store: the acknowledgement was lost, the process crashed before
// removing the rows from the buffer, or that removal failed. Each row carries
// its attempt's UUID (attempt_id), and the buffer counts deliveries: before
// sending a row for the second time or later, the flusher asks ClickHouse for
// its attempt_id and sends only the rows ClickHouse does not have. So
// audit_writes gets exactly one row per attempt, with one exception: a first
// insert whose acknowledgement was lost may still be being written when the
// check runs (a window of the time ClickHouse takes to commit a part after
// the client gave up, which the backoff before any retry normally covers).
// For that case audit_writes is a ReplacingMergeTree sorted by
// (destination, resource, time, attempt_id): the copy has the same key and
// merges fold it away. Reads that must be exact at every moment use
// `FROM audit_writes FINAL` (or count uniqExact(attempt_id)); the shipped
// questions in deploy/sql/audit and the Grafana dashboard do.
//
// Recording an AttemptID that is still in the buffer stores nothing more (the
// outbox has a unique key on it), so a caller that retries its own
// transaction sets AttemptID before the first try. Recorded again after its
// row was delivered, the attempt gets a second ClickHouse row, which FINAL
// and merges fold into the first like any other copy.
//
// A row that cannot be decoded from the buffer (never written by this
// package) is set aside: it stays in audit_outbox with leased_until =
// 'infinity' and last_error, counted as set_aside, for people to repair.
//
// # Metrics
//
// NewMetrics registers shopsync_audit_rows_total{status},
// shopsync_audit_buffered_rows, shopsync_audit_flush_seconds and
// shopsync_audit_flush_errors_total.
package audit
