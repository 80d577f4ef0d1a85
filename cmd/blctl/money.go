package main

import (
	"strconv"
	"strings"

	"golang.org/x/text/currency"
)

// The API keeps amounts in integer minor units (1550000 CNY is 15,500.00
// yuan): exact, and the same in every language. People read major units, so
// tables show them with the currency: "15,500.00 CNY", or "¥15,500.00" in
// Chinese. The number of decimals is the currency's (ISO 4217, from
// golang.org/x/text/currency: 2 for CNY, 0 for JPY, 3 for KWD); the
// conversion is exact integer arithmetic, never a float.

// money renders minor units of cur for an English reader.
func money(cur string, minor int64) string { return moneyIn("en", cur, minor) }

// moneyIn renders minor units of cur for lang ("en" or "zh").
func moneyIn(lang, cur string, minor int64) string {
	scale := 2
	unit, err := currency.ParseISO(cur)
	if err == nil {
		scale, _ = currency.Standard.Rounding(unit)
	}
	num := decimal(minor, scale)
	if err != nil {
		return num + " " + cur // an unknown code: shown as is, with two decimals
	}
	if lang == "zh" && cur == "CNY" {
		return "¥" + num
	}
	return num + " " + cur
}

// decimal writes minor/10^scale with thousands separators, exactly.
func decimal(minor int64, scale int) string {
	neg := minor < 0
	digits := strconv.FormatUint(absU(minor), 10)
	for len(digits) <= scale {
		digits = "0" + digits
	}
	whole, frac := digits[:len(digits)-scale], digits[len(digits)-scale:]
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if scale > 0 {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

func absU(n int64) uint64 {
	if n < 0 {
		return uint64(-(n + 1)) + 1 // also right for math.MinInt64
	}
	return uint64(n)
}
