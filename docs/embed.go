// Package docs carries the documents the node serves, such as the OpenAPI
// description of its HTTP API.
package docs

import _ "embed"

// OpenAPI is docs/openapi.yaml, served at GET /openapi.yaml.
//
//go:embed openapi.yaml
var OpenAPI []byte
