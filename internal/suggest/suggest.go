// Package suggest finds the name a typo was meant to be: the "did you
// mean" of blctl's unknown commands and flags and of strictjson's unknown
// fields.
package suggest

import "strings"

// Closest returns the candidate nearest to name by edit distance (letter
// case ignored), if it is near enough to be a typo of it: at most one edit
// for names of up to four letters, two for longer ones. Ties go to the
// earlier candidate, so the answer does not depend on map order when the
// caller passes a sorted list.
func Closest(name string, candidates []string) (string, bool) {
	limit := 2
	if len([]rune(name)) <= 4 {
		limit = 1
	}
	best, bestD := "", limit+1
	for _, c := range candidates {
		if d := distance(strings.ToLower(name), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best, bestD <= limit
}

// distance is the Levenshtein distance of a and b, counted in runes, with
// an adjacent swap counting as one edit (a common typo: "purpsoe").
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
