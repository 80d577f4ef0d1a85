// Package problem holds the API's only error shape, an RFC 9457 problem
// document, shared by the gateway that writes it and the clients that read
// it. It depends on nothing, so a client links none of the server.
package problem

import (
	"fmt"
	"strings"
)

// TypePrefix starts every problem type; the rest is a stable code.
const TypePrefix = "urn:blacklist:problem:"

// Problem is an RFC 9457 problem document. As an error it is what a client
// got back for its request.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
	Items    []Item `json:"items,omitempty"`
}

// Item says what is wrong with one item of a request.
type Item struct {
	Index   int    `json:"index"`
	Code    string `json:"code"`
	Message string `json:"message"`
	// Field, Line and Column locate a mistake in an alert rule: the field
	// (rules[2].when) and, in an expression, the line and column (from 1).
	Field  string `json:"field,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
}

// Code is the stable problem code: the type without its prefix.
func (p *Problem) Code() string { return strings.TrimPrefix(p.Type, TypePrefix) }

func (p *Problem) Error() string {
	s := fmt.Sprintf("%s (HTTP %d, %s)", p.Title, p.Status, p.Type)
	if p.Detail != "" {
		s += ": " + p.Detail
	}
	return s
}
