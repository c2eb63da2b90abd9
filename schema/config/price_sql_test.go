package config

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/schema/testdb"
)

// The price rule exists twice, in Go (the reference) and in SQL (what the
// planner runs); over many random rules and prices they must agree to the
// cent, and agree on when there is no price.
func TestPriceRuleGoMatchesSQL(t *testing.T) {
	ctx := context.Background()
	pool := testdb.Postgres(t)
	rng := rand.New(rand.NewPCG(20260108, 8)) // fixed: a failure reproduces

	const n = 20000
	var (
		prices, factors, multipliers, offsets, modes, compareAts []string
		roundTos                                                 []*string
		wantPrice, wantCompareAt                                 []*string
	)
	for range n {
		r := randomRule(rng)
		price := randomAmount(rng)
		compareAt := ""
		if rng.IntN(3) > 0 {
			compareAt = randomAmount(rng)
		}
		k, err := r.Multiplier()
		require.NoError(t, err)
		prices, factors, multipliers, offsets = append(prices, price), append(factors, string(r.CurrencyFactor)), append(multipliers, k), append(offsets, string(r.AddAmount))
		modes, compareAts = append(modes, string(r.CompareAt)), append(compareAts, compareAt)
		var rt *string
		if r.RoundTo != RoundToNone {
			s := string(r.RoundTo)
			rt = &s
		}
		roundTos = append(roundTos, rt)

		got, err := r.Apply(price)
		wantPrice = append(wantPrice, optional(t, got, err))
		got, err = r.CompareAtPrice(compareAt)
		wantCompareAt = append(wantCompareAt, optional(t, got, err))
	}

	rows, err := pool.Query(ctx, `
		SELECT shopsync_price(p::numeric, f::numeric, k::numeric, a::numeric, r::numeric)::text,
		       shopsync_compare_at_price(nullif(c, '')::numeric, m, f::numeric, k::numeric, a::numeric, r::numeric)::text
		FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
		     WITH ORDINALITY AS t(p, f, k, a, r, m, c, i)
		ORDER BY i`, prices, factors, multipliers, offsets, roundTos, modes, compareAts)
	require.NoError(t, err)
	defer rows.Close()
	i, negatives, endings := 0, 0, 0
	for rows.Next() {
		var price, compareAt *string
		require.NoError(t, rows.Scan(&price, &compareAt))
		rule := fmt.Sprintf("price %s, factor %s, multiplier %s, offset %s, round_to %v, compare-at %q (%s)",
			prices[i], factors[i], multipliers[i], offsets[i], deref(roundTos[i]), compareAts[i], modes[i])
		require.Equal(t, deref(wantPrice[i]), deref(price), "price: "+rule)
		require.Equal(t, deref(wantCompareAt[i]), deref(compareAt), "compare-at: "+rule)
		if price == nil {
			negatives++
		}
		if roundTos[i] != nil {
			endings++
		}
		i++
	}
	require.NoError(t, rows.Err())
	require.Equal(t, n, i)
	// The generator must exercise every branch, or agreement means little.
	require.Greater(t, negatives, n/100, "cases without a price")
	require.Greater(t, endings, n/3, "cases with an ending")
}

// optional is a Go result as SQL gives it: "" and ErrNegativePrice are NULL.
func optional(t *testing.T, s string, err error) *string {
	if errors.Is(err, ErrNegativePrice) || (err == nil && s == "") {
		return nil
	}
	require.NoError(t, err)
	return &s
}

func deref(s *string) string {
	if s == nil {
		return "NULL"
	}
	return *s
}

func randomRule(rng *rand.Rand) PriceRule {
	r := DefaultPriceRule()
	if rng.IntN(2) == 0 {
		r.CurrencyFactor = Decimal(randomDecimal(rng, 1, 500000, 4)) // 0.0001 .. 50
	}
	if rng.IntN(4) > 0 {
		r.MarkupPercent = Decimal(randomDecimal(rng, -9999, 30000, 2)) // -99.99 .. 300
	}
	if rng.IntN(2) == 0 {
		r.AddAmount = Decimal(randomDecimal(rng, -5000, 5000, 2)) // -50 .. 50
	}
	switch rng.IntN(4) {
	case 0:
		r.RoundTo = RoundToNone
	case 1:
		r.RoundTo = []Decimal{"0", "0.99", "0.95", "0.5", "0.90", "9.99", "49", "99.99", "0.00"}[rng.IntN(9)]
	default:
		r.RoundTo = Decimal(randomDecimal(rng, 0, 100000, 2)) // 0 .. 1000
	}
	r.CompareAt = CompareAtModes[rng.IntN(len(CompareAtModes))]
	return r
}

// randomAmount is a price as Shopify writes them, with 0, 1, 2 or 3 decimals.
func randomAmount(rng *rand.Rand) string {
	switch rng.IntN(10) {
	case 0:
		return "0"
	case 1:
		return randomDecimal(rng, 0, 1000, 0)
	case 2:
		return randomDecimal(rng, 0, 1000000, 3)
	case 3:
		return randomDecimal(rng, 0, 100000, 1)
	}
	return randomDecimal(rng, 0, 10000000, 2)
}

// randomDecimal is a uniform integer in [lo, hi] shifted by scale decimals.
func randomDecimal(rng *rand.Rand, lo, hi int64, scale int) string {
	v := lo + rng.Int64N(hi-lo+1)
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	if scale == 0 {
		return fmt.Sprintf("%s%d", sign, v)
	}
	pow := int64(1)
	for range scale {
		pow *= 10
	}
	return fmt.Sprintf("%s%d.%0*d", sign, v/pow, scale, v%pow)
}
