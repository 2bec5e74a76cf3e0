package web

// routes registers the pages of the scenario modules.
func (s *Server) routes() {
	s.notaryRoutes()
	s.explorerRoutes()
	s.scanRoutes()
}
