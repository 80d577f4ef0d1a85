package webhook

// For other deliveries that follow the webhook rules (publications pushed
// to agencies, node/pubpush.go).

// Classify reduces a delivery error to the class a receiver's owner is
// shown (Class*).
func Classify(err error) string { return classify(err) }

// StatusError is a receiver's answer other than 2xx, as a delivery error.
func StatusError(code int) error { return &statusError{code} }
