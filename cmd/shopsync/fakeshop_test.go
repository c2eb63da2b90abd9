package main

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/shopify/cost"
)

func TestParseShopFlag(t *testing.T) {
	name, plan, err := parseShopFlag("source:plus")
	require.NoError(t, err)
	require.Equal(t, "source", name)
	require.Equal(t, cost.Plus, plan)
	_, plan, err = parseShopFlag("dest")
	require.NoError(t, err)
	require.Equal(t, cost.Standard, plan)
	_, _, err = parseShopFlag("Bad_Name")
	require.Error(t, err)
	_, _, err = parseShopFlag("dest:GOLD")
	require.Error(t, err)
}
