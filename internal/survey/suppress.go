package survey

// Suppress decides which nodes of a tree of counts are hidden, so that no
// count under min (but above zero) can be read or worked out from the
// others through the sums (a parent's count is the sum of its children's).
// parent[i] is node i's parent (-1 for the root); hidden nodes in pre
// stay hidden. Besides every count 0 < n < min (primary suppression) it
// hides, until nothing changes (complementary suppression):
//
//   - where a shown node has exactly one hidden child, its smallest shown
//     child with a count (else the node itself), since the hidden one would
//     be the node's count less the others;
//   - where a hidden node has children with a count and none of them is
//     hidden, its smallest such child, since the node would be their sum.
//
// So every shown node has no hidden child or at least two, and every
// hidden node a hidden child: a hidden count is never alone in an
// equation of shown counts. Pure.
func Suppress(parent, count []int, min int, pre []bool) []bool {
	n := len(parent)
	hidden := make([]bool, n)
	copy(hidden, pre)
	kids := make([][]int, n)
	for i, p := range parent {
		if count[i] > 0 && count[i] < min {
			hidden[i] = true
		}
		if p >= 0 {
			kids[p] = append(kids[p], i)
		}
	}
	smallestShown := func(ks []int, positive bool) int {
		best := -1
		for _, k := range ks {
			if hidden[k] || (positive && count[k] == 0) {
				continue
			}
			if best < 0 || count[k] < count[best] {
				best = k
			}
		}
		return best
	}
	for changed := true; changed; {
		changed = false
		for p := range n {
			ks := kids[p]
			if len(ks) == 0 {
				continue
			}
			hiddenKids, sum := 0, 0
			for _, k := range ks {
				if hidden[k] {
					hiddenKids++
				}
				sum += count[k]
			}
			switch {
			case !hidden[p] && hiddenKids == 1:
				k := smallestShown(ks, true)
				if k < 0 {
					k = smallestShown(ks, false)
				}
				if k < 0 {
					hidden[p] = true
				} else {
					hidden[k] = true
				}
				changed = true
			case hidden[p] && hiddenKids == 0 && sum > 0:
				hidden[smallestShown(ks, true)] = true
				changed = true
			}
		}
	}
	return hidden
}
