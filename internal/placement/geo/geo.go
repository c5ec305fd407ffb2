// Package geo converts between SWEREF 99 TM (EPSG:3006), the national grid
// of Lantmäteriet in which Swedish population-register extracts give
// coordinates, and WGS84 latitude/longitude, as the placement engine uses.
//
// The transformation is Lantmäteriet's published Gauss–Krüger projection
// ("Gauss–Krügers formler", the series to the fourth order in the third
// flattening n) on the GRS 80 ellipsoid with central meridian 15° E, scale
// 0.9996, false northing 0 and false easting 500 000 m. SWEREF 99 and WGS84
// differ by well under a metre, far below what placement distances resolve,
// so latitudes and longitudes are taken to be the same on both.
package geo

import (
	"fmt"
	"math"
)

// The projection's constants (SWEREF 99 TM on GRS 80).
const (
	axis          = 6378137.0         // GRS 80 semi-major axis a, metres
	flattening    = 1 / 298.257222101 // GRS 80 flattening f
	centralMerid  = 15.0              // λ0, degrees east
	scale         = 0.9996            // k0
	falseNorthing = 0.0               // FN, metres
	falseEasting  = 500000.0          // FE, metres
)

// Series coefficients, computed once from the ellipsoid.
var (
	e2    = flattening * (2 - flattening)
	n3    = flattening / (2 - flattening)
	aRoof = axis / (1 + n3) * (1 + n3*n3/4 + n3*n3*n3*n3/64)

	// forward: geodetic → conformal latitude, and the series β1..β4
	fwdA = e2
	fwdB = (5*e2*e2 - e2*e2*e2) / 6
	fwdC = (104*e2*e2*e2 - 45*e2*e2*e2*e2) / 120
	fwdD = (1237 * e2 * e2 * e2 * e2) / 1260
	beta = [4]float64{
		n3/2 - 2*n3*n3/3 + 5*n3*n3*n3/16 + 41*n3*n3*n3*n3/180,
		13*n3*n3/48 - 3*n3*n3*n3/5 + 557*n3*n3*n3*n3/1440,
		61*n3*n3*n3/240 - 103*n3*n3*n3*n3/140,
		49561 * n3 * n3 * n3 * n3 / 161280,
	}

	// inverse: the series δ1..δ4, and conformal → geodetic latitude
	delta = [4]float64{
		n3/2 - 2*n3*n3/3 + 37*n3*n3*n3/96 - n3*n3*n3*n3/360,
		n3*n3/48 + n3*n3*n3/15 - 437*n3*n3*n3*n3/1440,
		17*n3*n3*n3/480 - 37*n3*n3*n3*n3/840,
		4397 * n3 * n3 * n3 * n3 / 161280,
	}
	invA = e2 + e2*e2 + e2*e2*e2 + e2*e2*e2*e2
	invB = -(7*e2*e2 + 17*e2*e2*e2 + 30*e2*e2*e2*e2) / 6
	invC = (224*e2*e2*e2 + 889*e2*e2*e2*e2) / 120
	invD = -(4279 * e2 * e2 * e2 * e2) / 1260
)

const rad = math.Pi / 180

// ToSweref converts WGS84 latitude and longitude (degrees) to SWEREF 99 TM
// northing and easting (metres).
func ToSweref(lat, lon float64) (n, e float64) {
	phi := lat * rad
	s := math.Sin(phi)
	s2 := s * s
	phiStar := phi - s*math.Cos(phi)*(fwdA+fwdB*s2+fwdC*s2*s2+fwdD*s2*s2*s2)
	dl := (lon - centralMerid) * rad
	xiP := math.Atan(math.Tan(phiStar) / math.Cos(dl))
	etaP := math.Atanh(math.Cos(phiStar) * math.Sin(dl))
	x, y := xiP, etaP
	for j, b := range beta {
		k := float64(2 * (j + 1))
		x += b * math.Sin(k*xiP) * math.Cosh(k*etaP)
		y += b * math.Cos(k*xiP) * math.Sinh(k*etaP)
	}
	return scale*aRoof*x + falseNorthing, scale*aRoof*y + falseEasting
}

// ToWGS84 converts SWEREF 99 TM northing and easting (metres) to WGS84
// latitude and longitude (degrees).
func ToWGS84(n, e float64) (lat, lon float64) {
	xi := (n - falseNorthing) / (scale * aRoof)
	eta := (e - falseEasting) / (scale * aRoof)
	xiP, etaP := xi, eta
	for j, d := range delta {
		k := float64(2 * (j + 1))
		xiP -= d * math.Sin(k*xi) * math.Cosh(k*eta)
		etaP -= d * math.Cos(k*xi) * math.Sinh(k*eta)
	}
	phiStar := math.Asin(math.Sin(xiP) / math.Cosh(etaP))
	dl := math.Atan(math.Sinh(etaP) / math.Cos(xiP))
	s := math.Sin(phiStar)
	s2 := s * s
	phi := phiStar + s*math.Cos(phiStar)*(invA+invB*s2+invC*s2*s2+invD*s2*s2*s2)
	return phi / rad, centralMerid + dl/rad
}

// CheckSweref says what is clearly wrong with a northing/easting pair, or
// nil: not numbers, degrees in metre columns, the two columns swapped, or
// values no SWEREF 99 TM coordinate has. Whether a point lies within the
// organizer's area is for the caller, who knows the area.
func CheckSweref(n, e float64) error {
	switch {
	case math.IsNaN(n) || math.IsNaN(e) || math.IsInf(n, 0) || math.IsInf(e, 0):
		return fmt.Errorf("not a number")
	case n > 0 && n < e:
		return fmt.Errorf("northing %v is less than easting %v: the columns look swapped", n, e)
	case n < MinNorthing || n > MaxNorthing:
		return fmt.Errorf("northing %v is not a SWEREF 99 TM northing in metres (%v–%v)", n, MinNorthing, MaxNorthing)
	case e < MinEasting || e > MaxEasting:
		return fmt.Errorf("easting %v is not a SWEREF 99 TM easting in metres (%v–%v)", e, MinEasting, MaxEasting)
	}
	return nil
}

// The range CheckSweref accepts: the northern hemisphere north of 9° (every
// northing in Sweden is between 6.1 and 7.7 million metres), and eastings
// within some 1 500 km of the central meridian (Sweden's lie between
// 180 000 and 1 000 000), where the series are still accurate to a
// millimetre.
const (
	MinNorthing = 1000000.0
	MaxNorthing = 9500000.0
	MinEasting  = -1000000.0
	MaxEasting  = 2000000.0
)
