package console

import "net/http"

func (s *server) assocRoutes(m *http.ServeMux) {}
