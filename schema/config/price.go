package config

import (
	"errors"
	"fmt"
	"math/big"
)

// PriceRule turns a source price into the destination's price. The arithmetic,
// exact in decimal (no floating point), in this order:
//
//  1. y = price × currency_factor × (1 + markup_percent/100) + add_amount
//  2. c = y rounded to 2 decimals, halves away from zero (cents)
//  3. if c < 0 there is no price (an error; NULL in SQL); a price of 0 stays
//     0.00, so free items stay free
//  4. with round_to an ending e: the smallest amount >= c that ends in e,
//     where "ends in" is modulo the step s = 1 for e < 1, else the power of
//     ten above e's integer part (e = 9.99 gives s = 10: 19.99, 29.99, ...);
//     the result is e + s × ceil((c − e) / s). Rounding only ever goes up, so
//     a configured markup is never undercut.
//
// The result has two decimals. Postgres has the same rule as shopsync_price
// (migration 00008), over the links columns currency_factor, price_multiplier
// (= 1 + markup_percent/100), price_offset (= add_amount) and round_to.
type PriceRule struct {
	// CurrencyFactor converts the source's currency to the destination's;
	// > 0, default 1.
	CurrencyFactor Decimal `yaml:"currency_factor"`
	// MarkupPercent is added as a percentage (10 is +10 %, -15 a discount);
	// > -100, default 0.
	MarkupPercent Decimal `yaml:"markup_percent"`
	// AddAmount is added after the markup, in the destination's currency;
	// may be negative; default 0.
	AddAmount Decimal `yaml:"add_amount"`
	// RoundTo is the ending prices are rounded up to, e.g. "0.99", "0.95",
	// "0" (whole amounts) or "9.99"; at most 2 decimals. "none" (the
	// default) rounds to the cent only.
	RoundTo Decimal `yaml:"round_to"`
	// CompareAt is what happens to compare-at prices; default scale.
	CompareAt CompareAtMode `yaml:"compare_at"`
}

// RoundToNone is RoundTo's value for rounding to the cent only.
const RoundToNone Decimal = "none"

// DefaultPriceRule leaves prices unchanged and scales compare-at prices alike.
func DefaultPriceRule() PriceRule {
	return PriceRule{CurrencyFactor: "1", MarkupPercent: "0", AddAmount: "0", RoundTo: RoundToNone, CompareAt: CompareAtScale}
}

// ErrNegativePrice is Apply's error when the rule (or the source) gives a
// price below zero; shopsync_price returns NULL then, and the planner writes
// no price.
var ErrNegativePrice = errors.New("negative price")

// Apply computes the destination price for a source price given as a decimal
// string, e.g. "12.50"; the result has two decimals.
func (r PriceRule) Apply(price string) (string, error) {
	c, err := r.compile()
	if err != nil {
		return "", err
	}
	x, ok := Decimal(price).rat()
	if !ok {
		return "", fmt.Errorf("price %q is not a decimal number", price)
	}
	out, err := c.apply(x)
	if err != nil {
		return "", fmt.Errorf("price %s: %w", price, err)
	}
	return out.FloatString(2), nil
}

// CompareAtPrice computes the destination's compare-at price from the
// source's; "" stands for none, in and out. keep returns it unchanged (even
// across currencies: choose scale when the currency differs), scale applies
// the rule as to a price, clear returns "".
func (r PriceRule) CompareAtPrice(compareAt string) (string, error) {
	if compareAt == "" {
		return "", nil
	}
	switch r.CompareAt {
	case CompareAtKeep:
		if _, ok := Decimal(compareAt).rat(); !ok {
			return "", fmt.Errorf("compare-at price %q is not a decimal number", compareAt)
		}
		return compareAt, nil
	case CompareAtScale:
		return r.Apply(compareAt)
	case CompareAtClear:
		return "", nil
	}
	return "", fmt.Errorf("compare_at %q is not one of keep, scale, clear", r.CompareAt)
}

// Multiplier is 1 + markup_percent/100, exactly: the links.price_multiplier
// Sync writes.
func (r PriceRule) Multiplier() (string, error) {
	m, ok := r.MarkupPercent.rat()
	if !ok {
		return "", fmt.Errorf("markup_percent %q is not a decimal number", r.MarkupPercent)
	}
	k := new(big.Rat).Add(big.NewRat(1, 1), new(big.Rat).Quo(m, big.NewRat(100, 1)))
	return k.FloatString(r.MarkupPercent.scale() + 2), nil
}

// compiledRule is a PriceRule's numbers, parsed.
type compiledRule struct {
	factor, multiplier, add *big.Rat
	ending, step            *big.Rat // nil for none
}

func (r PriceRule) compile() (compiledRule, error) {
	var c compiledRule
	var ok bool
	if c.factor, ok = r.CurrencyFactor.rat(); !ok || c.factor.Sign() <= 0 {
		return c, fmt.Errorf("currency_factor %q is not a number above 0", r.CurrencyFactor)
	}
	m, ok := r.MarkupPercent.rat()
	if !ok || m.Cmp(big.NewRat(-100, 1)) <= 0 {
		return c, fmt.Errorf("markup_percent %q is not a number above -100", r.MarkupPercent)
	}
	c.multiplier = new(big.Rat).Add(big.NewRat(1, 1), new(big.Rat).Quo(m, big.NewRat(100, 1)))
	if c.add, ok = r.AddAmount.rat(); !ok {
		return c, fmt.Errorf("add_amount %q is not a decimal number", r.AddAmount)
	}
	if r.RoundTo == RoundToNone || r.RoundTo == "" {
		return c, nil
	}
	if c.ending, ok = r.RoundTo.rat(); !ok || c.ending.Sign() < 0 || r.RoundTo.scale() > 2 {
		return c, fmt.Errorf("round_to %q is neither none nor an ending of at most 2 decimals, such as 0.99", r.RoundTo)
	}
	c.step = endingStep(c.ending)
	return c, nil
}

// endingStep is 1 for an ending below 1, else the power of ten above its
// integer part: endings 0.99 → 1, 9.99 → 10, 49 → 100.
func endingStep(e *big.Rat) *big.Rat {
	whole := new(big.Int).Quo(e.Num(), e.Denom())
	if whole.Sign() == 0 {
		return big.NewRat(1, 1)
	}
	digits := len(whole.String())
	return new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(digits)), nil))
}

func (c compiledRule) apply(x *big.Rat) (*big.Rat, error) {
	if x.Sign() < 0 {
		return nil, ErrNegativePrice
	}
	y := new(big.Rat).Mul(x, c.factor)
	y.Mul(y, c.multiplier)
	y.Add(y, c.add)
	cents := roundCents(y)
	switch {
	case cents.Sign() < 0:
		return nil, ErrNegativePrice
	case cents.Sign() == 0 || c.ending == nil:
		return cents, nil
	}
	// e + s × ceil((c − e) / s)
	q := new(big.Rat).Sub(cents, c.ending)
	q.Quo(q, c.step)
	n := ceil(q)
	out := new(big.Rat).Mul(new(big.Rat).SetInt(n), c.step)
	return out.Add(out, c.ending), nil
}

// roundCents rounds to 2 decimals, halves away from zero (as Postgres's
// round(numeric, 2) does).
func roundCents(y *big.Rat) *big.Rat {
	scaled := new(big.Rat).Mul(y, big.NewRat(100, 1))
	abs := new(big.Rat).Abs(scaled)
	abs.Add(abs, big.NewRat(1, 2))
	n := floor(abs)
	if scaled.Sign() < 0 {
		n.Neg(n)
	}
	return new(big.Rat).SetFrac(n, big.NewInt(100))
}

// floor of a rational; big.Int's Div is Euclidean, which for the positive
// denominator a Rat keeps is the floor.
func floor(r *big.Rat) *big.Int {
	return new(big.Int).Div(r.Num(), r.Denom())
}

func ceil(r *big.Rat) *big.Int {
	n := floor(new(big.Rat).Neg(r))
	return n.Neg(n)
}
