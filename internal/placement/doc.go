// Package placement places pupils at schools (skolplacering): it matches
// applicants to schools by student-proposing deferred acceptance under
// priority rules an organizer configures, places everyone left over at the
// nearest school with room, checks its own result and returns the data an
// explanation of every decision needs.
//
// The package is pure: distances come in through the [Distances] interface
// (in production a walking-distance matrix computed on OpenStreetMap data),
// and nothing here reads files, databases or the network.
//
// # The law and the practice
//
// Skollagen 9 kap. 15 § (förskoleklass) and 10 kap. 30 § (grundskola): a
// pupil is placed at the school the guardians wish, unless that would
// override another pupil's justified claim to a school near home. When a
// school has more applicants than places, the organizer therefore needs a
// lawful, predictable order between the applicants. HFD 2015 ref. 50 held
// that living closest is not on its own a lawful ground (absolute
// proximity), while relative proximity is accepted by the appeals board
// (Skolväsendets överklagandenämnd), which has also accepted distances
// computed by an algorithm on OpenStreetMap data and quashed a decision
// that lacked predictability.
//
// # Priority
//
// An applicant's priority at a school is a [Priority]: one value per
// criterion, compared in the order the organizer's [Rules] list them:
//
//   - [Sibling]: a sibling attends the school. Only for the year groups in
//     Rules.SiblingYears (Göteborg: F–6). Contested for grundskola
//     (Kammarrätten ruled against Uppsala's), hence optional.
//   - [RelativeProximity]: score = distance(home, alternative school) −
//     distance(home, wished school), higher first. The alternative school
//     is defined by Rules.Alternative, see [Alternative].
//   - [AbsoluteProximity]: distance(home, wished school), shorter first.
//     Never lawful as the only ground (HFD 2015 ref. 50), but usable as a
//     tie-break after relative proximity.
//   - [Lottery]: a number in [0, 1) drawn per applicant from Rules.Seed
//     (see [LotteryNumber]), lower first. The same number is used at every
//     school (single tie-breaking) and does not depend on who else applies.
//
// Ties left by the listed criteria are broken by the lottery number (even
// when Lottery is not listed) and finally by applicant ID, so the order is
// strict and the result deterministic: the same input and seed give the
// same output, whatever the order of the input slices.
//
// # Resolution: distances are compared in whole metres
//
// Distances are compared at a stated resolution, Rules.Resolution, whole
// metres by default (rules file: resolution_m). Every value compared is
// rounded to a whole number of steps — x/resolution rounded to the nearest
// integer, halves away from zero ([Rules.Steps]): each distance as it
// enters Match (absolute proximity, the choice of the alternative school,
// the fallback school, the near-home limit), and relative proximity, the
// difference of the two distances as given, rounded itself. Values equal
// at the resolution are a tie, and the next criterion decides.
//
// Without this, two homes whose shortest paths to both schools leave
// through the same street corner — which have exactly the same relative
// proximity, wherever they lie on their street — were ordered by the
// distance engine's summation order, in the 13th significant digit (issue
// 20). That is also why relative proximity is the rounded difference and
// not the difference of the rounded distances: the latter would split
// such homes by a step according to where within a metre they lie.
//
// What this promises: the result depends only on the rounded values.
// Distances that are whole steps plus noise below a quarter of a step give
// the same result as the exact whole steps (the property test checks it):
// a difference of two distances then moves by less than half a step. No
// rule can promise more for a difference of two distances, and noise can
// always move a value that lies within noise of a half step across the
// rounding boundary; that is a difference of one step at the stated
// resolution, not a tie.
//
// A result records the rounded values ([Priority], [Placement.Choices]),
// so anyone can recompute the order from the published data. [Engine]
// versions the decision arithmetic, so stored results made before a
// change can be rechecked.
//
// [DefaultRules] follows issue 7: relative proximity (alternative = the
// nearest school offering the year, the second nearest when the wished
// school is itself the nearest), then absolute proximity, then lottery with
// seed 1; no sibling priority and no near-home limits. Göteborg's practice
// from 2021 is sibling at the school (F–6), relative proximity, absolute
// proximity, lottery, with walking distances and a right to a place within
// 2 km (F–3), 4 km (4–6) and 6 km (7–9): see [NearHomeLimit].
//
// # Matching
//
// Year groups are independent: each (school, year) has its own capacity.
// Applicants propose to their choices in rank order; a school holds the
// applicants with the highest priority up to its capacity and rejects the
// rest, who propose to their next choice (Gale and Shapley 1962;
// Abdulkadiroğlu and Sönmez 2003). The result is stable — no applicant
// loses a wished school to an applicant with lower priority there — and
// ranking schools honestly is safe for families.
//
// An applicant who gets none of their choices is placed at the nearest
// school that still has room for their year after the matching, and the
// placement is flagged as a fallback for an officer. Fallbacks are placed
// one by one in lottery order. If no school with a known distance has room,
// the applicant stays unplaced (SchoolID "").
//
// After every run [Match] checks its own result (capacities respected, no
// justified envy, no wasted seat at a wished school) with the same
// comparison as the matching (distances at the resolution), and returns
// an error rather than a result that breaks the rules: an applicant who
// lost a wished school to one with equal priority on every criterion
// before the lottery and a worse lottery number is such an error.
//
// Year groups are integers: 0 is förskoleklass (F), 1–9 the grundskola
// years.
package placement
