package publication

import (
	"fmt"
	"regexp"
	"time"
)

var (
	clockRe = regexp.MustCompile(`^([01][0-9]|2[0-3]):([0-5][0-9])$`)
	zoneRe  = regexp.MustCompile(`^(UTC|[A-Z][A-Za-z_]+(/[A-Z][A-Za-z_+-]+){1,2})$`)
)

// SplitSchedule checks a policy's publication schedule, "HH:MM <zone>"
// (e.g. "02:00 Asia/Shanghai"), by syntax only, and returns the minutes
// after midnight and the zone name.
func SplitSchedule(s string) (int, string, error) {
	var clock, zone string
	if n, err := fmt.Sscanf(s, "%s %s", &clock, &zone); err != nil || n != 2 || clock+" "+zone != s {
		return 0, "", fmt.Errorf("%q: want \"HH:MM Zone\", e.g. \"02:00 Asia/Shanghai\"", s)
	}
	m := clockRe.FindStringSubmatch(clock)
	if m == nil {
		return 0, "", fmt.Errorf("%q: time of day %q is not HH:MM (24-hour)", s, clock)
	}
	if !zoneRe.MatchString(zone) {
		return 0, "", fmt.Errorf("%q: %q is not an IANA time zone name", s, zone)
	}
	h, mm := int(m[1][0]-'0')*10+int(m[1][1]-'0'), int(m[2][0]-'0')*10+int(m[2][1]-'0')
	return h*60 + mm, zone, nil
}

// Schedule is a resolved daily publication time.
type Schedule struct {
	Minutes int
	Zone    *time.Location
}

// ParseSchedule resolves a schedule's zone with the local time zone
// database (the node embeds one: time/tzdata).
func ParseSchedule(s string) (Schedule, error) {
	m, zone, err := SplitSchedule(s)
	if err != nil {
		return Schedule{}, err
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return Schedule{}, fmt.Errorf("%q: %v", s, err)
	}
	return Schedule{Minutes: m, Zone: loc}, nil
}

// Next is the first scheduled time strictly after t.
func (s Schedule) Next(t time.Time) time.Time {
	l := t.In(s.Zone)
	at := time.Date(l.Year(), l.Month(), l.Day(), s.Minutes/60, s.Minutes%60, 0, 0, s.Zone)
	for !at.After(t) {
		l = l.AddDate(0, 0, 1)
		at = time.Date(l.Year(), l.Month(), l.Day(), s.Minutes/60, s.Minutes%60, 0, 0, s.Zone)
	}
	return at
}

// Last is the latest scheduled time at or before t.
func (s Schedule) Last(t time.Time) time.Time {
	n := s.Next(t)
	l := n.In(s.Zone).AddDate(0, 0, -1)
	return time.Date(l.Year(), l.Month(), l.Day(), s.Minutes/60, s.Minutes%60, 0, 0, s.Zone)
}
