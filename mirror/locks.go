package mirror

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
)

// tableLock names one store's table for lockTables.
type tableLock struct {
	t     *table
	store string
}

// lockTables takes the transaction-scoped advisory locks of the given stores'
// tables, always in table order then store order, so that two writers never
// wait on each other in a cycle. Every mirror writer takes them before it
// reads the rows it will change, which makes its before images exact and
// makes a webhook wait for a running snapshot commit rather than race it.
func lockTables(ctx context.Context, tx pgx.Tx, locks []tableLock) error {
	if _, err := tx.Exec(ctx, lockTablesSQL, lockKeys(locks)); err != nil {
		return fmt.Errorf("lock mirror tables: %w", err)
	}
	return nil
}

// lockTablesSQL takes the locks of lockKeys ($1) in one round trip; unnest
// keeps the array's order, and each lock is taken before the next row is
// produced.
const lockTablesSQL = `SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest($1::text[]) AS u(k)`

// lockKeys are the advisory lock keys of locks, in the order lockTables
// takes them.
func lockKeys(locks []tableLock) []string {
	slices.SortFunc(locks, func(a, b tableLock) int {
		return cmp.Or(cmp.Compare(a.t.order, b.t.order), cmp.Compare(a.store, b.store))
	})
	locks = slices.Compact(locks)
	keys := make([]string, len(locks))
	for i, l := range locks {
		keys[i] = "shopsync.mirror/" + l.store + "/" + l.t.name
	}
	return keys
}
