package survey

import (
	"math"
	"strconv"
	"testing"

	"pgregory.net/rapid"
)

// determined reports which hidden nodes can be worked out exactly from the
// shown counts and the tree's sums (a parent's count is the sum of its
// children's): a hidden node is determined when its unit vector lies in
// the row space of the equations over the hidden nodes.
func determined(parent []int, hidden []bool) []bool {
	n := len(parent)
	var vars []int
	col := map[int]int{}
	for i := range n {
		if hidden[i] {
			col[i] = len(vars)
			vars = append(vars, i)
		}
	}
	var eqs [][]float64
	for p := range n {
		row := make([]float64, len(vars))
		kids := 0
		for i, q := range parent {
			if q == p {
				kids++
				if hidden[i] {
					row[col[i]] = 1
				}
			}
		}
		if kids == 0 {
			continue
		}
		if hidden[p] {
			row[col[p]] -= 1
		}
		eqs = append(eqs, row)
	}
	rank := func(m [][]float64) int {
		a := make([][]float64, len(m))
		for i := range m {
			a[i] = append([]float64(nil), m[i]...)
		}
		r := 0
		for c := 0; c < len(vars) && r < len(a); c++ {
			piv := -1
			for i := r; i < len(a); i++ {
				if math.Abs(a[i][c]) > 1e-9 {
					piv = i
					break
				}
			}
			if piv < 0 {
				continue
			}
			a[r], a[piv] = a[piv], a[r]
			for i := range a {
				if i != r && math.Abs(a[i][c]) > 1e-9 {
					f := a[i][c] / a[r][c]
					for k := range a[i] {
						a[i][k] -= f * a[r][k]
					}
				}
			}
			r++
		}
		return r
	}
	base := rank(eqs)
	out := make([]bool, n)
	for v, i := range vars {
		e := make([]float64, len(vars))
		e[v] = 1
		out[i] = rank(append(append([][]float64(nil), eqs...), e)) == base
	}
	return out
}

// TestSuppressNothingDerivable: on random trees of counts (an organizer,
// units, year groups, classes), no count under the minimum is shown and no
// hidden count can be worked out from the shown ones.
func TestSuppressNothingDerivable(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		parent := []int{-1}
		units := rapid.IntRange(1, 4).Draw(t, "units")
		for range units {
			u := len(parent)
			parent = append(parent, 0)
			for range rapid.IntRange(0, 3).Draw(t, "years") {
				y := len(parent)
				parent = append(parent, u)
				for range rapid.IntRange(1, 3).Draw(t, "classes") {
					parent = append(parent, y)
				}
			}
		}
		count := make([]int, len(parent))
		leaf := make([]bool, len(parent))
		for i := range parent {
			leaf[i] = true
		}
		for _, p := range parent {
			if p >= 0 {
				leaf[p] = false
			}
		}
		for i := range parent {
			if leaf[i] && i > 0 {
				count[i] = rapid.IntRange(0, 30).Draw(t, "n"+strconv.Itoa(i))
			}
		}
		for i := len(parent) - 1; i > 0; i-- {
			count[parent[i]] += count[i]
		}
		min := 10
		hidden := Suppress(parent, count, min, nil)
		det := determined(parent, hidden)
		for i := range parent {
			if !hidden[i] && count[i] > 0 && count[i] < min {
				t.Fatalf("node %d shows %d < %d", i, count[i], min)
			}
			if hidden[i] && det[i] && count[i] > 0 {
				t.Fatalf("node %d (count %d) is hidden but follows from the others; parents %v counts %v hidden %v", i, count[i], parent, count, hidden)
			}
		}
	})
}
