package config

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPriceRuleApplyExamples(t *testing.T) {
	rule := func(factor, markup, add, roundTo string) PriceRule {
		r := DefaultPriceRule()
		r.CurrencyFactor, r.MarkupPercent, r.AddAmount, r.RoundTo = Decimal(factor), Decimal(markup), Decimal(add), Decimal(roundTo)
		return r
	}
	for _, tc := range []struct {
		name  string
		rule  PriceRule
		price string
		want  string
	}{
		{"unchanged", DefaultPriceRule(), "12.5", "12.50"},
		{"10 % markup", rule("1", "10", "0", "none"), "10.00", "11.00"},
		{"markup rounds halves away from zero", rule("1", "10", "0", "none"), "0.05", "0.06"}, // 0.055
		{"factor, then markup, then amount", rule("0.5", "100", "1.25", "none"), "10.00", "11.25"},
		{"ending .99 rounds up", rule("1", "10", "0", "0.99"), "10.00", "11.99"},
		{"already ending in .99 stays", rule("1", "0", "0", "0.99"), "12.99", "12.99"},
		{"a cent above .99 goes to the next", rule("1", "0", "0", "0.99"), "13.00", "13.99"},
		{"below the ending", rule("1", "0", "0", "0.99"), "0.50", "0.99"},
		{"whole amounts", rule("1", "1", "0", "0"), "10.00", "11.00"},
		{"whole amount stays", rule("1", "0", "0", "0"), "10.00", "10.00"},
		{"ending 9.99 steps by 10", rule("1", "0", "0", "9.99"), "20.00", "29.99"},
		{"ending 9.99 below 10", rule("1", "0", "0", "9.99"), "3.10", "9.99"},
		{"ending 49 steps by 100", rule("1", "0", "0", "49"), "150", "249.00"},
		{"sub-cent noise does not bump", rule("1.0000001", "0", "0", "0.99"), "12.99", "12.99"},
		{"free stays free", rule("1", "10", "0", "0.99"), "0", "0.00"},
		{"discount", rule("1", "-20", "2", "none"), "10.00", "10.00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.rule.Apply(tc.price)
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestPriceRuleNegative(t *testing.T) {
	r := DefaultPriceRule()
	r.AddAmount = "-11"
	_, err := r.Apply("10.00")
	require.ErrorIs(t, err, ErrNegativePrice)
	_, err = DefaultPriceRule().Apply("-1")
	require.ErrorIs(t, err, ErrNegativePrice)
	_, err = DefaultPriceRule().Apply("1e3")
	require.ErrorContains(t, err, `"1e3" is not a decimal number`)
}

func TestPriceRuleCompareAt(t *testing.T) {
	r := DefaultPriceRule()
	r.MarkupPercent, r.RoundTo = "10", "0.99"
	for mode, want := range map[CompareAtMode]string{CompareAtKeep: "20.00", CompareAtScale: "22.99", CompareAtClear: ""} {
		r.CompareAt = mode
		got, err := r.CompareAtPrice("20.00")
		require.NoError(t, err)
		require.Equal(t, want, got, mode)
		got, err = r.CompareAtPrice("")
		require.NoError(t, err)
		require.Empty(t, got, "no compare-at price stays none (%s)", mode)
	}
}

func TestPriceRuleMultiplier(t *testing.T) {
	for markup, want := range map[Decimal]string{"10": "1.10", "0": "1.00", "-20": "0.80", "12.5": "1.125", "0.01": "1.0001", "250": "3.50"} {
		r := DefaultPriceRule()
		r.MarkupPercent = markup
		got, err := r.Multiplier()
		require.NoError(t, err)
		require.Equal(t, want, got, markup)
	}
}
