// Package gateway is the node's HTTP API (gin): how bank systems, the
// association's operators and auditors use the shared ledger.
//
// Every request but the health, metrics and OpenAPI routes carries
// `Authorization: Bearer <api key>`; the key names a node.Client, which
// belongs to one member and has roles. The gateway checks roles, decodes
// bodies strictly (unknown fields, trailing data and oversize bodies are
// refused) and hands the request to the node with the client's member as
// the transaction creator; the ledger rules then decide, so a check the
// gateway forgets is still made by the chaincode. Every error is an RFC 9457
// problem document with a stable type, `urn:blacklist:problem:<code>`.
package gateway
