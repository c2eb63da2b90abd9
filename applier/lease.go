package applier

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrLeaseLost is returned by a Writer whose lease expired or was taken
// over: another process may be writing to the store now, so this one stops.
var ErrLeaseLost = errors.New("applier: destination lease lost")

// Lease is one process's hold on one destination store.
type Lease struct {
	Store  string
	Holder string
	// Token is the fencing token: every outcome this holder records checks
	// that the lease still carries it.
	Token int64
}

// newHolderID names this process: host, pid and a random suffix, so two
// processes on one host (or a restart reusing a pid) never share a name.
func newHolderID() string {
	host, err := os.Hostname()
	if err != nil {
		host = "unknown"
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// acquireLease takes the store's lease for holder when it is free, expired
// or already holder's. The token grows whenever the lease changes hands or
// is taken again after lapsing; a live lease renewed by its holder keeps it.
// ok is false when another holder has it.
func acquireLease(ctx context.Context, db *pgxpool.Pool, store, holder string, ttl time.Duration) (Lease, bool, error) {
	var token int64
	err := db.QueryRow(ctx, sqlText("lease_acquire.sql"), store, holder, ttl.Seconds()).Scan(&token)
	if errors.Is(err, pgx.ErrNoRows) {
		return Lease{}, false, nil
	}
	if err != nil {
		return Lease{}, false, fmt.Errorf("applier: acquire lease of %s: %w", store, err)
	}
	return Lease{Store: store, Holder: holder, Token: token}, true, nil
}

// renew extends the lease; ErrLeaseLost when it is no longer this holder's.
func (l Lease) renew(ctx context.Context, db *pgxpool.Pool, ttl time.Duration) error {
	tag, err := db.Exec(ctx, `UPDATE destination_leases SET renewed_at = now(), expires_at = now() + make_interval(secs => $4)
		WHERE store = $1 AND holder = $2 AND token = $3 AND expires_at > now()`, l.Store, l.Holder, l.Token, ttl.Seconds())
	if err != nil {
		return fmt.Errorf("applier: renew lease of %s: %w", l.Store, err)
	}
	if tag.RowsAffected() == 0 {
		return ErrLeaseLost
	}
	return nil
}

// release lets the lease lapse at once, so another process need not wait
// for it to expire. The row stays: its token keeps counting.
func (l Lease) release(ctx context.Context, db *pgxpool.Pool) error {
	_, err := db.Exec(ctx, `UPDATE destination_leases SET expires_at = now()
		WHERE store = $1 AND holder = $2 AND token = $3`, l.Store, l.Holder, l.Token)
	if err != nil {
		return fmt.Errorf("applier: release lease of %s: %w", l.Store, err)
	}
	return nil
}

// fence checks, inside a transaction that records attempts or outcomes,
// that the lease is still this holder's with the same token, and keeps it so
// until the transaction ends (FOR SHARE: a takeover waits for the commit).
// Callers fence last, just before committing, so that the lock is brief.
func (l Lease) fence(ctx context.Context, tx pgx.Tx) error {
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM destination_leases
		WHERE store = $1 AND holder = $2 AND token = $3 AND expires_at > now() FOR SHARE`, l.Store, l.Holder, l.Token).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrLeaseLost
	}
	if err != nil {
		return fmt.Errorf("applier: check lease of %s: %w", l.Store, err)
	}
	return nil
}
