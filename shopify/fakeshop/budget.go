package fakeshop

import (
	"math"
	"time"
)

// Budget is a shop's GraphQL cost bucket as the handler uses it: charge the
// requested cost before running a query (refusing when it is not there, which
// is THROTTLED), refund the difference once the actual cost is known, and
// report the state for extensions.cost.throttleStatus. *cost.Bucket implements
// it; a fault injector can wrap one to throttle on demand.
type Budget interface {
	// TryCharge takes cost points if available and reports the points left
	// (or available, when refused).
	TryCharge(cost float64) (ok bool, available float64)
	// Refund returns points, never beyond capacity.
	Refund(n float64)
	// Available is the points available now.
	Available() float64
	// Capacity is maximumAvailable.
	Capacity() float64
	// RestoreRate is the refill in points per second.
	RestoreRate() float64
	// Wait is how long until cost points are available (ok=false: never).
	Wait(cost float64) (wait time.Duration, ok bool)
}

// costExtension is the extensions.cost object of every response.
type costExtension struct {
	RequestedQueryCost int            `json:"requestedQueryCost"`
	ActualQueryCost    *int           `json:"actualQueryCost"`
	ThrottleStatus     throttleStatus `json:"throttleStatus"`
}

// throttleStatus mirrors Shopify's: the maximum and restore rate are floats
// in real responses (2000.0, 100.0), the current level a whole number.
type throttleStatus struct {
	MaximumAvailable   float64 `json:"maximumAvailable"`
	CurrentlyAvailable int     `json:"currentlyAvailable"`
	RestoreRate        float64 `json:"restoreRate"`
}

func statusOf(b Budget) throttleStatus {
	return throttleStatus{MaximumAvailable: b.Capacity(), CurrentlyAvailable: int(math.Floor(b.Available())), RestoreRate: b.RestoreRate()}
}
