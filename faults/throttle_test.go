package faults

import (
	"time"

	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// burstBudget is a shop's cost budget that is empty for `on` out of every
// `period`: throttling bursts, as when another app of the store spends the
// bucket, beside the shop's own limiter the rest of the time.
type burstBudget struct {
	fakeshop.Budget
	start      time.Time
	period, on time.Duration
}

func (b *burstBudget) bursting() bool { return time.Since(b.start)%b.period < b.on }

func (b *burstBudget) TryCharge(cost float64) (bool, float64) {
	if b.bursting() {
		return false, 0
	}
	return b.Budget.TryCharge(cost)
}

func (b *burstBudget) Available() float64 {
	if b.bursting() {
		return 0
	}
	return b.Budget.Available()
}

func (b *burstBudget) Wait(cost float64) (time.Duration, bool) {
	if b.bursting() {
		return b.on - time.Since(b.start)%b.period, true
	}
	return b.Budget.Wait(cost)
}

// throttleBursts makes every shop throttle in bursts.
func throttleBursts(shops []*fakeshop.Shop, period, on time.Duration) {
	for _, s := range shops {
		s.SetBudget(&burstBudget{Budget: s.Budget(), start: time.Now(), period: period, on: on})
	}
}
