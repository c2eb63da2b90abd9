// Package faults is shopsync's fault suite (`make faults`): it runs the
// pipeline as the user runs it, bin/shopsync's ingest, plan --watch and apply
// as separate processes, against fakeshop and the real PostgreSQL, ClickHouse
// and Kafka, breaks something on purpose, and checks the end state: every
// destination equals what the plan asks of it, no product is duplicated or
// lost, every write attempt has one audit row, and nothing secret or forged
// got anywhere.
//
// Each case prints what it did and what it found, and the run ends with a
// table of cases giving the changes sent, applied, lost and duplicated.
// The package has no code outside its tests; this file documents it.
package faults
