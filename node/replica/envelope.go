package replica

// EnvelopeTx reduces a transaction envelope (as endorsed, before ordering)
// to the namespace's writes and event, as the replica would apply them.
// The Fabric backend uses it to recognise a transaction that would change
// nothing, and so need not be ordered.
func EnvelopeTx(raw []byte, namespace string) (Tx, error) {
	tx, _, err := parseTx(raw, namespace)
	return tx, err
}
