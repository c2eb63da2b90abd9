package fakeshop

// ean13 completes twelve digits with the EAN-13 check digit: digits in odd
// positions (from the left, 1-based) weigh 1, even ones 3, and the check
// digit brings the sum to a multiple of ten.
func ean13(digits [12]byte) string {
	var b [13]byte
	sum := 0
	for i, d := range digits {
		b[i] = '0' + d
		if i%2 == 0 {
			sum += int(d)
		} else {
			sum += 3 * int(d)
		}
	}
	b[12] = '0' + byte((10-sum%10)%10)
	return string(b[:])
}

// ValidEAN13 reports whether s is thirteen digits with a correct check digit.
func ValidEAN13(s string) bool {
	if len(s) != 13 {
		return false
	}
	var d [12]byte
	for i := range 13 {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		if i < 12 {
			d[i] = s[i] - '0'
		}
	}
	return ean13(d) == s
}

// eanFor builds a barcode from a three-digit GS1 prefix, a four-digit
// company number and a five-digit item reference.
func eanFor(prefix, company, item int) string {
	var d [12]byte
	put := func(at, width, n int) {
		for i := at + width - 1; i >= at; i-- {
			d[i] = byte(n % 10)
			n /= 10
		}
	}
	put(0, 3, prefix)
	put(3, 4, company)
	put(7, 5, item)
	return ean13(d)
}
