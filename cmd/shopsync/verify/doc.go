// Package verify compares a source store with its destinations the way a
// migration tool's verifier compares two databases: object by object and
// field by field, after each link's rules, and reports every difference
// (drift) it finds.
//
// It reads both sides twice, through two independent paths: the PostgreSQL
// mirror (what shopsync believes) and the live Admin API (what the stores
// hold, read with a bulk query). The mirror path checks the planner's view;
// the API path checks that the writes really landed, and that the mirror did
// not drift from the stores. Products are paired as the planner pairs them:
// the recorded pair of id_map first, else the link's match key (handle, SKU
// or barcode); source products the planner holds back because their match
// key is ambiguous (plan_conflicts) are counted, not compared.
//
// Compared, per pair: the product's title, description, vendor, type, tags
// and status (those whose field policy is sync); each variant's price and
// compare-at price after the link's price rule (the database's own
// shopsync_price, the planner's), SKU and barcode; and, when the link syncs
// inventory, the available quantity at every mapped location.
package verify
