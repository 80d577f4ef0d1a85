package main

import (
	"math"
	"testing"
)

func TestMoney(t *testing.T) {
	for _, c := range []struct {
		lang, cur string
		minor     int64
		want      string
	}{
		{"en", "CNY", 1550000, "15,500.00 CNY"},
		{"zh", "CNY", 1550000, "¥15,500.00"},
		{"en", "CNY", 5, "0.05 CNY"},
		{"en", "CNY", 0, "0.00 CNY"},
		{"en", "CNY", -123456789, "-1,234,567.89 CNY"},
		{"en", "JPY", 1500000, "1,500,000 JPY"},
		{"zh", "USD", 100, "1.00 USD"},
		{"en", "KWD", 1234, "1.234 KWD"},
		{"en", "CNY", math.MaxInt64, "92,233,720,368,547,758.07 CNY"},
		{"en", "CNY", math.MinInt64, "-92,233,720,368,547,758.08 CNY"},
	} {
		if got := moneyIn(c.lang, c.cur, c.minor); got != c.want {
			t.Errorf("%s %s %d: %q, want %q", c.lang, c.cur, c.minor, got, c.want)
		}
	}
}
