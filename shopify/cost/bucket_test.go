package cost_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/shopify/cost"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Unix(1_700_000_000, 0)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestPlans(t *testing.T) {
	for _, tc := range []struct {
		plan           cost.Plan
		rate, capacity float64
	}{
		{cost.Standard, 100, 2000},
		{cost.Advanced, 200, 4000},
		{cost.Plus, 1000, 20000},
		{cost.Enterprise, 2000, 40000},
	} {
		require.Equal(t, tc.rate, tc.plan.RestoreRate, tc.plan.Name)
		require.Equal(t, tc.capacity, tc.plan.Capacity, tc.plan.Name)
		got, ok := cost.PlanByName(tc.plan.Name)
		require.True(t, ok)
		require.Equal(t, tc.plan, got)
	}
	p, ok := cost.PlanByName("plus")
	require.True(t, ok)
	require.Equal(t, cost.Plus, p)
	_, ok = cost.PlanByName("GOLD")
	require.False(t, ok)
}

func TestBucketChargesAndRefills(t *testing.T) {
	clock := newFakeClock()
	b := cost.NewBucket(cost.Standard, clock.Now)
	require.Equal(t, 2000.0, b.Available(), "a new bucket starts full")

	ok, avail := b.TryCharge(1500)
	require.True(t, ok)
	require.Equal(t, 500.0, avail)

	ok, avail = b.TryCharge(600)
	require.False(t, ok, "600 > 500 available")
	require.Equal(t, 500.0, avail, "a refused charge takes nothing")

	wait, ok := b.Wait(600)
	require.True(t, ok)
	require.Equal(t, time.Second, wait, "100 points at 100/s")

	clock.Advance(1500 * time.Millisecond)
	require.Equal(t, 650.0, b.Available())
	ok, avail = b.TryCharge(600)
	require.True(t, ok)
	require.Equal(t, 50.0, avail)

	clock.Advance(time.Hour)
	require.Equal(t, 2000.0, b.Available(), "refill stops at capacity")
}

func TestBucketRefundIsCapped(t *testing.T) {
	clock := newFakeClock()
	b := cost.NewBucket(cost.Advanced, clock.Now)
	ok, _ := b.TryCharge(752)
	require.True(t, ok)
	b.Refund(752 - 12) // requested 752, actual 12
	require.Equal(t, 4000.0-12, b.Available())
	b.Refund(1000)
	require.Equal(t, 4000.0, b.Available())
	b.Refund(-5)
	require.Equal(t, 4000.0, b.Available(), "a negative refund is ignored")
}

func TestBucketWaitBeyondCapacity(t *testing.T) {
	b := cost.NewBucket(cost.Standard, newFakeClock().Now)
	_, ok := b.Wait(2001)
	require.False(t, ok)
	wait, ok := b.Wait(2000)
	require.True(t, ok)
	require.Zero(t, wait)
}

func TestBucketSetAndLower(t *testing.T) {
	clock := newFakeClock()
	b := cost.NewBucket(cost.Standard, clock.Now)
	b.Set(1999, 4000, 200) // a response revealed an Advanced shop
	require.Equal(t, 4000.0, b.Capacity())
	require.Equal(t, 200.0, b.RestoreRate())
	require.Equal(t, 1999.0, b.Available())
	clock.Advance(time.Second)
	require.Equal(t, 2199.0, b.Available())

	b.Lower(3000)
	require.Equal(t, 2199.0, b.Available(), "Lower never raises")
	b.Lower(100)
	require.Equal(t, 100.0, b.Available())

	b.Set(-50, 0, 0) // zero capacity and rate keep the old ones
	require.Equal(t, 4000.0, b.Capacity())
	require.Equal(t, -50.0, b.Available(), "a deficit is kept so the refill covers it first")
	clock.Advance(time.Second)
	require.Equal(t, 150.0, b.Available())
}

func TestBucketConcurrentChargesNeverOverdraw(t *testing.T) {
	clock := newFakeClock()
	b := cost.NewBucket(cost.Standard, clock.Now)
	var wg sync.WaitGroup
	var mu sync.Mutex
	granted := 0
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				if ok, _ := b.TryCharge(1); ok {
					mu.Lock()
					granted++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	require.Equal(t, 2000, granted, "exactly the capacity is granted with a stopped clock")
	require.Zero(t, b.Available())
}

func TestBucketChargeAndSetLimits(t *testing.T) {
	clock := newFakeClock()
	b := cost.NewBucket(cost.Standard, clock.Now)
	b.Charge(2100)
	require.Equal(t, -100.0, b.Available(), "a forced charge may leave a deficit")
	wait, ok := b.Wait(100)
	require.True(t, ok)
	require.Equal(t, 2*time.Second, wait)
	b.Charge(-3)
	require.Equal(t, -100.0, b.Available())

	clock.Advance(30 * time.Second)
	b.SetLimits(1000, 50)
	require.Equal(t, 1000.0, b.Available(), "capped at the smaller capacity")
	require.Equal(t, 50.0, b.RestoreRate())
	b.SetLimits(0, 0)
	require.Equal(t, 1000.0, b.Capacity())
}
