package applier

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DestinationStatus is where one destination stands, for shopsync status.
type DestinationStatus struct {
	Store                                string
	Pending, Applied, Failed, Superseded int64
	OldestPending                        *time.Time
	// Lag is the age of the oldest pending delta (0 when none).
	Lag time.Duration
	// Holder is the applier process holding the lease, empty when none
	// holds a live one.
	Holder string
	Budget *BudgetStatus
}

// BudgetStatus is the destination's cost budget as the applier last saw it.
type BudgetStatus struct {
	Maximum, Available, RestoreRate float64
	CostLastMinute                  int64
	// UsedShare is the share of the restore rate spent over the last
	// minute (1 means the bucket was spent as fast as it refills).
	UsedShare           float64
	Requests, Throttled int64
	ObservedAt          time.Time
}

// Status reports every destination.
func Status(ctx context.Context, db *pgxpool.Pool) ([]DestinationStatus, error) {
	rows, err := db.Query(ctx, sqlText("status.sql"))
	if err != nil {
		return nil, fmt.Errorf("applier: status: %w", err)
	}
	now := time.Now()
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (DestinationStatus, error) {
		var (
			s                DestinationStatus
			holder           *string
			expires          *time.Time
			max, avail, rate *float64
			minute, req, thr *int64
			observed         *time.Time
		)
		if err := r.Scan(&s.Store, &s.Pending, &s.Applied, &s.Failed, &s.Superseded, &s.OldestPending,
			&holder, &expires, &max, &avail, &rate, &minute, &req, &thr, &observed); err != nil {
			return s, err
		}
		if s.OldestPending != nil {
			s.Lag = now.Sub(*s.OldestPending)
		}
		if holder != nil && expires != nil && expires.After(now) {
			s.Holder = *holder
		}
		if max != nil {
			b := &BudgetStatus{Maximum: *max, Available: *avail, RestoreRate: *rate, CostLastMinute: *minute,
				Requests: *req, Throttled: *thr, ObservedAt: *observed}
			if b.RestoreRate > 0 {
				b.UsedShare = float64(b.CostLastMinute) / (60 * b.RestoreRate)
			}
			s.Budget = b
		}
		return s, nil
	})
	if err != nil {
		return nil, fmt.Errorf("applier: status: %w", err)
	}
	return out, nil
}
