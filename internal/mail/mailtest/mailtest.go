// Package mailtest runs a real SMTP server on 127.0.0.1 for tests and records
// the messages it receives. It can refuse mail with a temporary error or go
// down and come back, to exercise retries.
package mailtest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/styrkedjan/styrkedjan/internal/mail"
)

// Message is a message as received, with its subject and body decoded.
type Message struct {
	From    string   // envelope sender
	To      []string // envelope recipients
	User    string   // SMTP AUTH username, empty without authentication
	Header  netmail.Header
	Subject string
	Body    string // decoded text, line endings as "\n"
	Raw     []byte
}

// Server is a running test SMTP server.
type Server struct {
	Host string // where it listens; read-only
	Port int

	mu       sync.Mutex
	srv      *smtp.Server
	ln       net.Listener
	msgs     []Message
	reject   bool
	username string
	password string
}

// Start starts a server on a free port of 127.0.0.1, stopped when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{}
	addr := s.listen(t, "127.0.0.1:0")
	s.Host, s.Port = addr.IP.String(), addr.Port
	t.Cleanup(func() { s.Down() })
	return s
}

// Addr is the server's host:port.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// Config is a mail.Config that sends to this server, without TLS.
func (s *Server) Config() mail.Config {
	s.mu.Lock()
	defer s.mu.Unlock()
	return mail.Config{
		Host:     s.Host,
		Port:     s.Port,
		Username: s.username,
		Password: s.password,
		From:     "Styrkedjan <noreply@styrkedjan.test>",
		TLS:      "none",
	}
}

// RequireAuth makes the server accept mail only after SMTP AUTH PLAIN with
// these credentials.
func (s *Server) RequireAuth(username, password string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.username, s.password = username, password
}

// Reject makes the server refuse mail with "451 try again later" while on.
func (s *Server) Reject(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reject = on
}

// Down stops the server: connections are refused until Up.
func (s *Server) Down() {
	s.mu.Lock()
	srv, ln := s.srv, s.ln
	s.srv, s.ln = nil, nil
	s.mu.Unlock()
	if srv != nil {
		// Serve may not have registered ln with srv yet, so close it too.
		ln.Close()
		srv.Close()
	}
}

// Up restarts a stopped server on its old port.
func (s *Server) Up(t testing.TB) {
	t.Helper()
	s.listen(t, s.Addr())
}

func (s *Server) listen(t testing.TB, addr string) *net.TCPAddr {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("mailtest: listen: %v", err)
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{s: s}, nil
	}))
	srv.Domain = "mailtest.local"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	s.mu.Lock()
	s.srv, s.ln = srv, ln
	s.mu.Unlock()
	go srv.Serve(ln)
	return ln.Addr().(*net.TCPAddr)
}

// Messages returns the messages received so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// WaitFor waits until at least n messages have arrived and returns them all;
// it fails the test after timeout.
func (s *Server) WaitFor(t testing.TB, n int, timeout time.Duration) []Message {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		msgs := s.Messages()
		if len(msgs) >= n {
			return msgs
		}
		if time.Now().After(deadline) {
			t.Fatalf("mailtest: %d messages after %v, want %d", len(msgs), timeout, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

type session struct {
	s    *Server
	user string
	from string
	to   []string
}

func (se *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (se *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, username, password string) error {
		se.s.mu.Lock()
		defer se.s.mu.Unlock()
		if username != se.s.username || password != se.s.password {
			return smtp.ErrAuthFailed
		}
		se.user = username
		return nil
	}), nil
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	se.s.mu.Lock()
	defer se.s.mu.Unlock()
	if se.s.reject {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	if se.s.username != "" && se.user == "" {
		return smtp.ErrAuthRequired
	}
	se.from = from
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	se.to = append(se.to, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := parse(raw)
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: err.Error()}
	}
	m.From, m.To, m.User = se.from, se.to, se.user
	se.s.mu.Lock()
	se.s.msgs = append(se.s.msgs, m)
	se.s.mu.Unlock()
	return nil
}

func (se *session) Reset()        { se.from, se.to = "", nil }
func (se *session) Logout() error { return nil }

// parse decodes a single-part text message.
func parse(raw []byte) (Message, error) {
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Message{}, err
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return Message{}, fmt.Errorf("subject: %v", err)
	}
	body := msg.Body
	switch strings.ToLower(msg.Header.Get("Content-Transfer-Encoding")) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	case "", "7bit", "8bit":
	default:
		return Message{}, errors.New("unknown Content-Transfer-Encoding")
	}
	text, err := io.ReadAll(body)
	if err != nil {
		return Message{}, fmt.Errorf("body: %v", err)
	}
	return Message{
		Header:  msg.Header,
		Subject: subject,
		Body:    strings.ReplaceAll(string(text), "\r\n", "\n"),
		Raw:     raw,
	}, nil
}
