package fakeshop

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestEAN13CheckDigit(t *testing.T) {
	// Published examples: a book's ISBN-13 and a grocery barcode.
	require.True(t, ValidEAN13("9780306406157"))
	require.True(t, ValidEAN13("4006381333931"))
	require.False(t, ValidEAN13("4006381333932"), "wrong check digit")
	require.False(t, ValidEAN13("400638133393"), "twelve digits")
	require.False(t, ValidEAN13("40063813339A1"), "not a digit")
	require.Equal(t, "4006381333931", ean13([12]byte{4, 0, 0, 6, 3, 8, 1, 3, 3, 3, 9, 3}))
	require.Equal(t, "4006381333931", eanFor(400, 6381, 33393))
	require.True(t, ValidEAN13(eanFor(0, 0, 0)))
}
