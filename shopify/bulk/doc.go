// Package bulk reads the JSONL result of a Shopify bulk query (FACTS.md
// §1.5): one JSON object per line, one line per node of every connection, a
// nested node carrying its parent's GID in "__parentId".
//
// Reader streams records with bounded memory and fails loudly, naming the
// line, on malformed JSON, a missing id or a truncated file. Join attaches
// every record to its parent and top-level ancestor in any line order,
// spilling records that arrive before an ancestor to a temporary file, so
// the ingest stage can COPY each record into a staging table keyed by GID
// together with its parent and root GIDs.
package bulk
