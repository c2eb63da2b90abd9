package apply

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// inSavepoint hands mirror.Apply the processor's savepoint as its database.
// Apply begins a savepoint of its own on a transaction it is given, so that
// its writes are all or nothing; the processor has already wrapped the call
// in one that it rolls back when Apply fails, so a second, nested one
// would only cost two round trips per delivery (a fifth of a delivery's
// time at high rates).
type inSavepoint struct{ pgx.Tx }

// Begin returns the same transaction, whose Commit and Rollback leave the
// decision to the processor.
func (s inSavepoint) Begin(context.Context) (pgx.Tx, error) { return borrowed{s.Tx}, nil }

// borrowed is a transaction lent to mirror.Apply: everything passes
// through but ending it, which the owner does.
type borrowed struct{ pgx.Tx }

func (b borrowed) Begin(context.Context) (pgx.Tx, error) { return b, nil }
func (borrowed) Commit(context.Context) error            { return nil }
func (borrowed) Rollback(context.Context) error          { return nil }
