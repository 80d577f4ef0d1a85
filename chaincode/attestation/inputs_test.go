package attestation

import (
	"testing"
)

// Date and text rules of docs/decisions/0010-input-rules.md.

// Date-only fields are calendar dates of the association, China Standard
// Time (UTC+08:00), whatever offset the reporter wrote in issuedAt: the
// offset cannot move the calendar forward.
func TestDatesAreInTheAssociationCalendar(t *testing.T) {
	runPayloadCases(t, validDefault, []payloadCase{
		// 01:00 UTC on 1 March. Written at +23:59 it claimed to be 2 March.
		{"offset +23:59 refused", func(p *Payload) { p.IssuedAt = "2026-03-02T00:59:00+23:59" }, inv, "issuedAt offset +23:59 is outside -12:00 to +14:00"},
		{"offset -23:00 refused", func(p *Payload) { p.IssuedAt = "2026-03-01T10:00:00-23:00" }, inv, "issuedAt offset -23:00 is outside -12:00 to +14:00"},
		{"offset +14:00 allowed", func(p *Payload) { p.IssuedAt = "2026-03-01T20:00:00+14:00" }, "", ""},
		{"offset -12:00 allowed", func(p *Payload) { p.IssuedAt = "2026-03-01T10:00:00-12:00" }, "", ""},
		// 11:00 UTC on 1 March is 19:00 on 1 March in Beijing: in Kiritimati
		// (+14:00) it is already 2 March, but the ledger's calendar says 1 March.
		{"+14:00 does not move the date", func(p *Payload) { p.IssuedAt = "2026-03-02T01:00:00+14:00"; p.NoticeDate = "2026-03-02" },
			inv, "noticeDate 2026-03-02 is after issuedAt date 2026-03-01 (UTC+08:00)"},
		// 16:30 UTC on 1 March is 00:30 on 2 March in Beijing.
		{"date is Beijing's", func(p *Payload) { p.IssuedAt = "2026-03-01T16:30:00Z"; p.NoticeDate = "2026-03-02" }, "", ""},
		{"just before Beijing midnight", func(p *Payload) { p.IssuedAt = "2026-03-01T15:59:59Z"; p.NoticeDate = "2026-03-02" },
			inv, "noticeDate 2026-03-02 is after issuedAt date 2026-03-01 (UTC+08:00)"},
		{"west of UTC", func(p *Payload) { p.IssuedAt = "2026-03-01T20:00:00-05:00"; p.NoticeDate = "2026-03-02" }, "", ""},
	})
}

// No date before 1990-01-01: the ledger has no business with older debts,
// and a 1900 date is a typo or a default value, not a record.
func TestDatesHaveALowerBound(t *testing.T) {
	runPayloadCases(t, validDefault, []payloadCase{
		{"overdueSince 1990-01-01", func(p *Payload) { p.OverdueSince = "1990-01-01" }, "", ""},
		{"overdueSince 1989-12-31", func(p *Payload) { p.OverdueSince = "1989-12-31" }, inv, "overdueSince 1989-12-31 is before 1990-01-01"},
		{"overdueSince 1900", func(p *Payload) { p.OverdueSince = "1900-01-01" }, inv, "overdueSince 1900-01-01 is before 1990-01-01"},
		{"noticeDate 0001", func(p *Payload) { p.NoticeDate = "0001-01-01" }, inv, "noticeDate 0001-01-01 is before 1990-01-01"},
		{"issuedAt 1989", func(p *Payload) {
			p.IssuedAt, p.OverdueSince, p.NoticeDate, p.DaysPastDue = "1989-12-31T10:00:00Z", "1990-01-01", "1990-01-01", iptr(0)
		}, inv, "issuedAt 1989-12-31T10:00:00Z is before 1990-01-01"},
		// 1989-12-31T16:00Z is midnight on 1 January 1990 in Beijing.
		{"issuedAt Beijing's 1990", func(p *Payload) {
			p.IssuedAt, p.OverdueSince, p.NoticeDate, p.DaysPastDue = "1989-12-31T16:00:00Z", "1990-01-01", "1990-01-01", iptr(0)
		}, "", ""},
	})
	runPayloadCases(t, validSettlement, []payloadCase{
		{"settledOn 1989", func(p *Payload) { p.SettledOn = "1989-06-30" }, inv, "settledOn 1989-06-30 is before 1990-01-01"},
	})
}

func TestRevocationReasonIsFreeText(t *testing.T) {
	runPayloadCases(t, validRevocation, []payloadCase{
		{"bidi override", func(p *Payload) { p.Reason = "filed in error \u202egnorw" }, inv, "reason contains U+202E"},
		{"isolate", func(p *Payload) { p.Reason = "\u2067x" }, inv, "reason contains U+2067"},
		{"newline", func(p *Payload) { p.Reason = "a\nb" }, inv, "reason contains U+000A"},
		{"zero width", func(p *Payload) { p.Reason = "a\u200bb" }, inv, "reason contains U+200B"},
		{"chinese", func(p *Payload) { p.Reason = "借款人身份错误" }, "", ""},
	})
}

func TestKeyIDIsFreeText(t *testing.T) {
	a, _ := testKeys(t)
	_, err := Parse(rawES256(t, a, `{"alg":"ES256","kid":"bank-a\u202e1"}`, []byte(defaultJSON)))
	wantErr(t, err, CodeMalformed, "kid contains U+202E")
}
