package web

import "net/http"

// Stubs: the trends dashboard and the board report (issue 4) are being built.

func (s *Server) trends(w http.ResponseWriter, r *http.Request) error          { return errNotYet }
func (s *Server) boardReport(w http.ResponseWriter, r *http.Request) error     { return errNotYet }
func (s *Server) saveBoardReport(w http.ResponseWriter, r *http.Request) error { return errNotYet }
func (s *Server) boardReportPDF(w http.ResponseWriter, r *http.Request) error  { return errNotYet }
func (s *Server) boardReportXLSX(w http.ResponseWriter, r *http.Request) error { return errNotYet }
func (s *Server) apiTrends(w http.ResponseWriter, r *http.Request) error       { return errNotYet }
