// Package subjectkey turns a raw identity number into the subject key under
// which the shared blacklist ledger records a person.
//
// Raw identity numbers never leave a bank's node. Every member bank holds the
// same consortium secret, and the node derives
//
//	subject key = lower-case hex HMAC-SHA256(secret, idType + ":" + normalized number)
//
// so that all banks compute the same key for the same person and can match
// entries with each other, while the ledger, its peers and anyone who reads a
// copy of it see only keys. A keyed MAC is used rather than a plain hash
// because identity numbers have so little entropy (a region code, a birth
// date, a three-digit sequence and a check character) that an unkeyed hash
// could be reversed by enumeration in minutes.
//
// Because two banks must arrive at byte-identical input to the MAC, the
// number is validated and brought to one canonical form first:
//
//   - cn-ric (PRC resident identity card): 18 characters, 17 digits plus a
//     digit or X (normalised to upper case), a known province-level region
//     code, a real Gregorian birth date from 1900 up to today (UTC), and the
//     ISO 7064 MOD 11-2 check character. A first-generation number of 15
//     digits (region, YYMMDD birth date, sequence; issued until 2004) is
//     first brought to its 18-character form: "19" inserted before the
//     birth year and the check character appended, so both forms of one
//     person's number give one key.
//   - passport: an ISO 3166-1 alpha-3 country code followed by a 5 to 20
//     character alphanumeric passport number, written "CHN E12345678",
//     "CHN:E12345678", "CHN-E12345678", "CHN/E12345678" or "CHNE12345678" in
//     any case, normalised to "CHN:E12345678".
//
// Validation also keeps typos off the ledger: a mistyped number still yields
// a valid-looking key, but for nobody (the listing could never be matched) or,
// worse, for someone else. The region, date and check character catch most
// such slips before a key exists.
//
// The id type is part of the MAC input, so the same characters under two
// different types give unrelated keys.
//
// Refusals are reported as *ValidationError. Its message names the id type and
// what is wrong (wrong length, a non-digit, an unknown region or country, an
// impossible or future date, a check character mismatch) but never repeats the
// number or any part of it, because these errors end up in logs and the number
// is exactly what must not leave the node. For the same reason an unknown id
// type is not echoed either: a caller who swapped the arguments would
// otherwise log the number as the "type".
package subjectkey
