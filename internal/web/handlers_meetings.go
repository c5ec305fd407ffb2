package web

import (
	"net/http"

	"github.com/styrkedjan/styrkedjan/internal/app"
)

// Stubs: principals' meetings (issue 4) are being built.

var errNotYet = app.NotFound()

func (s *Server) meetings(w http.ResponseWriter, r *http.Request) error      { return errNotYet }
func (s *Server) createMeeting(w http.ResponseWriter, r *http.Request) error { return errNotYet }
func (s *Server) meetingPage(w http.ResponseWriter, r *http.Request) error   { return errNotYet }
func (s *Server) meetingAction(w http.ResponseWriter, r *http.Request) error { return errNotYet }
func (s *Server) meetingPDF(w http.ResponseWriter, r *http.Request) error    { return errNotYet }
