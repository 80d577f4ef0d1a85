// Package freetext is the one rule for text that people type and other
// people read: member legal names, suspension and key-revocation reasons,
// dispute resolution notes, revocation reasons in attestations, watchlist
// labels.
//
// # Model
//
// Free text is one line of valid UTF-8 without invisible or reordering
// characters. What is refused:
//
//   - control characters (C0, DEL, C1), which includes tab and newline: every
//     such field is shown on one line in a table, a log or a terminal, and a
//     newline or escape sequence there forges lines or colours;
//   - format characters (Unicode general category Cf), above all the bidi
//     controls U+202A–U+202E, U+2066–U+2069, U+200E, U+200F and U+061C, which
//     make "payment\u202Efdp.exe" display as something else than what is
//     stored, and the zero-width characters, soft hyphen, BOM and tag
//     characters, which make two different strings look identical;
//   - the line and paragraph separators U+2028 and U+2029;
//   - private-use code points and noncharacters, which have no agreed
//     appearance.
//
// Letters, marks and punctuation of every script are accepted (Chinese,
// Arabic and Hebrew names are fine: their direction comes from the letters,
// not from controls). ZWJ and ZWNJ (U+200D, U+200C) are refused with the
// other format characters: the names and notes this ledger holds do not
// need them, and allowing them would reopen look-alike strings.
//
// The refused set is a table frozen in this file (Unicode 15.0), not
// unicode.Cf: the chaincode's verdict must not change when a peer is built
// with a newer Go whose Unicode tables grew, or endorsing peers would
// disagree. A test fails when the running Go knows a control or format
// character that the table lacks, so an upgrade is a deliberate change.
package freetext

import (
	"fmt"
	"unicode/utf8"
)

// refused lists inclusive code point ranges, in order.
var refused = [][2]rune{
	{0x0000, 0x001F}, // C0 controls, tab, newline
	{0x007F, 0x009F}, // DEL and C1 controls (NEL, CSI)
	{0x00AD, 0x00AD}, // soft hyphen
	{0x0600, 0x0605}, // Arabic number signs
	{0x061C, 0x061C}, // Arabic letter mark (bidi)
	{0x06DD, 0x06DD},
	{0x070F, 0x070F},
	{0x0890, 0x0891},
	{0x08E2, 0x08E2},
	{0x180E, 0x180E}, // Mongolian vowel separator
	{0x200B, 0x200F}, // zero-width space, ZWNJ, ZWJ, LRM, RLM
	{0x2028, 0x202E}, // line/paragraph separators; LRE, RLE, PDF, LRO, RLO
	{0x2060, 0x2064}, // word joiner, invisible operators
	{0x2066, 0x206F}, // LRI, RLI, FSI, PDI; deprecated format characters
	{0xD800, 0xDFFF}, // surrogates (not valid UTF-8 anyway)
	{0xE000, 0xF8FF}, // private use
	{0xFDD0, 0xFDEF}, // noncharacters
	{0xFEFF, 0xFEFF}, // BOM, zero-width no-break space
	{0xFFF9, 0xFFFB}, // interlinear annotation
	{0xFFFE, 0xFFFF}, // noncharacters
	{0x110BD, 0x110BD},
	{0x110CD, 0x110CD},
	{0x13430, 0x1343F},  // Egyptian hieroglyph format controls
	{0x1BCA0, 0x1BCA3},  // shorthand format controls
	{0x1D173, 0x1D17A},  // musical symbol format controls
	{0xE0001, 0xE0001},  // language tag
	{0xE0020, 0xE007F},  // tag characters
	{0xF0000, 0x10FFFF}, // private use planes 15 and 16 (and their noncharacters)
}

// Refused reports whether r may not appear in free text.
func Refused(r rune) bool {
	if r&0xFFFE == 0xFFFE { // U+xFFFE and U+xFFFF in every plane
		return true
	}
	lo, hi := 0, len(refused)
	for lo < hi {
		m := (lo + hi) / 2
		switch {
		case r < refused[m][0]:
			hi = m
		case r > refused[m][1]:
			lo = m + 1
		default:
			return true
		}
	}
	return false
}

// Error says what is wrong with a text; it never repeats the text, which
// may be someone's data, only the offending code point and where it is.
type Error struct {
	Rune  rune // utf8.RuneError for invalid UTF-8
	Index int  // in characters, from 0
}

func (e *Error) Error() string {
	if e.Rune == utf8.RuneError {
		return fmt.Sprintf("is not valid UTF-8 (at character %d)", e.Index)
	}
	return fmt.Sprintf("contains %U, a control, format or private-use character, at character %d (free text is one line of visible characters)", e.Rune, e.Index)
}

// Check returns nil if s is acceptable free text, else an *Error naming the
// first offending character. Length limits are the caller's.
func Check(s string) error {
	i := 0
	for off := 0; off < len(s); i++ {
		r, size := utf8.DecodeRuneInString(s[off:])
		if r == utf8.RuneError && size <= 1 {
			return &Error{Rune: utf8.RuneError, Index: i}
		}
		if Refused(r) {
			return &Error{Rune: r, Index: i}
		}
		off += size
	}
	return nil
}
