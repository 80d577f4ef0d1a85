package console

import "net/http"

// routes registers the pages, each with the capability it needs.
func (s *server) routes(m *http.ServeMux) {
	s.bankRoutes(m)
	s.assocRoutes(m)
}
