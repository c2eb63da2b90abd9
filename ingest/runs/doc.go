// Package runs keeps the state of ingest runs in PostgreSQL's ingest_runs:
// one row per snapshot or reconcile pass of one resource family of one
// store, moving pending → running → loading → completed (or failed, or
// canceled), so that a process that stops in the middle of a run finds it
// again on restart and resumes it instead of starting over.
//
// ingest_runs allows one active run (pending, running or loading) per store
// and family, whatever its kind: a snapshot and a reconcile pass of the same
// family never overlap, and a second process cannot start a run the first
// one has under way (Create reports ErrBusy). Several processes mirroring
// the same store are still not coordinated beyond that: run one ingest per
// store.
package runs
