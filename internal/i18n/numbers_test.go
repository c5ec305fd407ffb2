package i18n_test

import (
	"math"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/i18n"
)

const (
	m  = "\u2212" // minus sign
	g  = "\u202f" // narrow no-break space
	nb = "\u00a0" // no-break space
)

func TestNumber(t *testing.T) {
	for _, tc := range []struct {
		lang     string
		x        float64
		decimals int
		want     string
	}{
		{"sv", 12.34, 1, "12,3"},
		{"en", 12.34, 1, "12.3"},
		{"sv", 12345.678, 1, "12" + g + "345,7"},
		{"en", 12345.678, 1, "12,345.7"},
		{"sv", 1234567, 0, "1" + g + "234" + g + "567"},
		{"en", 1234567, 0, "1,234,567"},
		{"sv", 999, 0, "999"},
		{"sv", 1000, 0, "1" + g + "000"},
		{"sv", -12.34, 2, m + "12,34"},
		{"en", -1234.5, 1, m + "1,234.5"},
		{"sv", math.Copysign(0, -1), 1, "0,0"}, // negative zero
		{"sv", -0.04, 1, "0,0"},                // rounds to zero: no sign
		{"en", -0.4, 0, "0"},
		{"sv", 0.05, 1, "0,1"},
		{"sv", 2.5, 0, "3"}, // half away from zero
		{"sv", -2.5, 0, m + "3"},
		{"sv", 0.125, 2, "0,13"}, // 0.125 is exact: half away from zero
		{"sv", 1.005, 2, "1,00"}, // 1.005 is 1.00499999999999989… in binary
		{"sv", 12.3, 3, "12,300"},
		{"sv", 7, -1, "7"}, // negative decimals: exact, as many as needed
		{"sv", 7.125, -1, "7,125"},
		{"ar", 12.5, 1, "12,5"},
		{"so", 12345.5, 1, "12" + g + "345,5"},
		{"fa", -3.25, 2, m + "3,25"},
		{"en-GB", 1.5, 1, "1.5"},
		{"", 1.5, 1, "1,5"}, // unknown: Swedish, the default language
		{"sv", math.NaN(), 1, "–"},
		{"en", math.Inf(1), 1, "–"},
		{"sv", math.Inf(-1), 0, "–"},
	} {
		if got := i18n.Number(tc.lang, tc.x, tc.decimals); got != tc.want {
			t.Errorf("Number(%q, %v, %d) = %q, want %q", tc.lang, tc.x, tc.decimals, got, tc.want)
		}
	}
}

func TestInt(t *testing.T) {
	for _, tc := range []struct {
		lang string
		n    int
		want string
	}{
		{"sv", 0, "0"},
		{"sv", 12345, "12" + g + "345"},
		{"en", 12345, "12,345"},
		{"sv", -1234, m + "1" + g + "234"},
		{"en", 100, "100"},
	} {
		if got := i18n.Int(tc.lang, tc.n); got != tc.want {
			t.Errorf("Int(%q, %d) = %q, want %q", tc.lang, tc.n, got, tc.want)
		}
	}
}

func TestPercentAndSigned(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{i18n.Percent("sv", 87.5, 1), "87,5" + nb + "%"},
		{i18n.Percent("en", 87.5, 0), "88%"},
		{i18n.Percent("sv", -3, 0), m + "3" + nb + "%"},
		{i18n.Percent("sv", math.NaN(), 0), "–"},
		{i18n.Signed("sv", 1.25, 1), "+1,3"},
		{i18n.Signed("en", 1234.5, 1), "+1,234.5"},
		{i18n.Signed("sv", -1.25, 1), m + "1,3"},
		{i18n.Signed("sv", -0.04, 1), "0,0"},
		{i18n.Signed("sv", 0.04, 1), "0,0"},
		{i18n.Signed("sv", 0, 0), "0"},
		{i18n.Signed("sv", math.Copysign(0, -1), 0), "0"},
		{i18n.Signed("en", math.Inf(1), 0), "–"},
		{i18n.SignedPercent("sv", 12, 0), "+12" + nb + "%"},
		{i18n.SignedPercent("en", -5.4, 0), m + "5%"},
		{i18n.SignedPercent("sv", 0.4, 0), "0" + nb + "%"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		lang   string
		metres float64
		want   string
	}{
		{"sv", 0, "0 m"},
		{"sv", 850.4, "850 m"},
		{"en", 850.6, "851 m"},
		{"sv", 999.4, "999 m"},
		{"sv", 999.6, "1,00 km"}, // rounds to 1000 m: kilometres
		{"sv", 1000, "1,00 km"},
		{"sv", 1234, "1,23 km"},
		{"en", 1235, "1.24 km"}, // half a 10 m step: away from zero
		{"en", 1234, "1.23 km"},
		{"sv", 12345.6, "12,35 km"},
		{"sv", 1234567, "1" + g + "234,57 km"},
		{"sv", -420, m + "420 m"},
		{"sv", -1500, m + "1,50 km"},
		{"sv", -0.3, "0 m"},
		{"en", -0.2, "0 m"},
		{"sv", -120.2, m + "120 m"},
		{"sv", 1234.5, "1,23 km"},
		{"en", 1234.5, "1.23 km"},
		{"sv", math.Inf(1), "–"}, // unreachable
		{"en", math.NaN(), "–"},
	} {
		if got := i18n.Distance(tc.lang, tc.metres); got != tc.want {
			t.Errorf("Distance(%q, %v) = %q, want %q", tc.lang, tc.metres, got, tc.want)
		}
	}
}

func TestPlain(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{i18n.Plain("sv", 12345.678, 2), "12345,68"},
		{i18n.Plain("en", 12345.678, 2), "12345.68"},
		{i18n.Plain("sv", -1.5, 1), "-1,5"},
		{i18n.Plain("sv", -0.01, 1), "0,0"},
		{i18n.Plain("sv", math.NaN(), 1), ""},
		{i18n.Plain("sv", 62.35, -1), "62,35"},
		{i18n.Plain("en", -0.1, -1), "-0.1"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestLocalizerNumbers(t *testing.T) {
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	sv, en := c.For("sv"), c.For("en")
	for _, tc := range []struct{ got, want string }{
		{sv.Number(1234.5, 1), "1" + g + "234,5"},
		{en.Number(1234.5, 1), "1,234.5"},
		{sv.Int(2000), "2" + g + "000"},
		{sv.Percent(50, 0), "50" + nb + "%"},
		{en.Signed(-2, 1), m + "2.0"},
		{sv.SignedPercent(3, 0), "+3" + nb + "%"},
		{en.Distance(1500), "1.50 km"},
		{c.For("ar").Number(1.5, 1), "1,5"},
		{c.For("xx").Number(1.5, 1), "1,5"}, // unsupported: Swedish
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
