// Package config reads shopsync's configuration file: the stores (one source,
// any number of destinations) and the links from the source to each
// destination with their rules: how products match, how prices change, which
// fields are written, what a deletion does, how inventory flows and what else
// is synced.
//
// Load parses the YAML strictly (an unknown key is an error naming the key
// and its line), fills in the defaults and validates everything at once: every
// problem is a *FieldError naming the field's path, e.g.
// `links[0].match_key: "ean" is not one of handle, sku, barcode`.
//
// The file never holds secrets. A store names the environment variable or the
// file its access token and webhook secret come from; ResolveSecrets reads them
// into Secret values, which print, log and marshal as "[redacted]". Errors name
// the store and the variable or file, never the value.
//
// The price rule is defined twice, in Go (PriceRule.Apply, the reference) and
// in SQL (shopsync_price in migration 00008, which the planner calls inside
// Postgres); a property test keeps the two equal. Sync writes the stores and
// links into Postgres, where the planner reads them.
//
// README.md beside this file is the reference of every key.
package config
