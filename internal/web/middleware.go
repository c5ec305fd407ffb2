package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
)

// handlerFunc is a handler that returns its error for page or api to render.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// page adapts h for HTML: errors become error pages, and an unauthenticated
// visitor is sent to the login page and back.
func (s *Server) page(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		noteRoute(r)
		if err := h(w, r); err != nil {
			s.pageError(w, r, err)
		}
	})
}

// api adapts h for JSON: errors become application/problem+json.
func (s *Server) api(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		noteRoute(r)
		if err := h(w, r); err != nil {
			s.problem(w, r, err)
		}
	})
}

// signedIn requires an authenticated principal.
func (s *Server) signedIn(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if !auth.FromContext(r.Context()).Authenticated() {
			return app.Errorf(app.EUNAUTHORIZED, "err.unauthorized")
		}
		return h(w, r)
	}
}

// guardian requires a guardian signed in with e-identification; staff
// are refused (403), anyone else sent to sign in (pageError).
func (s *Server) guardian(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := auth.FromContext(r.Context())
		switch {
		case p.GuardianID != 0:
			return h(w, r)
		case p.Authenticated():
			return app.Forbidden()
		}
		return app.Errorf(app.EUNAUTHORIZED, "err.unauthorized")
	}
}

// allow requires an authenticated principal whose role holds perm. Scope
// (which units) is decided further in, by the queries.
func (s *Server) allow(perm auth.Permission, h handlerFunc) handlerFunc {
	return s.signedIn(func(w http.ResponseWriter, r *http.Request) error {
		if !auth.FromContext(r.Context()).Can(perm) {
			return app.Forbidden()
		}
		return h(w, r)
	})
}

func chain(h http.Handler, mw ...func(http.Handler) http.Handler) http.Handler {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}

// identify puts the principal, the language and the request's origin into
// the context. A bearer token (a person's or an API client's) wins over
// the session cookie. A principal
// that cannot be checked (the database is down) is answered at once, as a
// problem document on /api/ and as a page elsewhere: never as a 401, which
// would tell a client its credentials are wrong.
func (s *Server) identify(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = s.withRequestContext(r)
		ctx := context.WithValue(r.Context(), sessionLoadedKey{}, true)
		r = r.WithContext(ctx)

		p, err := s.principal(r)
		if err != nil {
			if app.Code(err) == app.EUNAUTHORIZED && !strings.HasPrefix(r.URL.Path, "/api/") {
				p = auth.Anonymous
			} else {
				s.fail(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
	})
}

// withRequestContext adds the origin and the language to r's context.
func (s *Server) withRequestContext(r *http.Request) *http.Request {
	ctx := audit.WithOrigin(r.Context(), audit.Origin{IP: clientIP(r), UserAgent: r.UserAgent()})
	lang := s.catalog.Match(cookieValue(r, langCookie), r.Header.Get("Accept-Language"))
	return r.WithContext(withLang(ctx, lang))
}

// sessionLoadedKey marks a context whose session data scs has loaded (the
// flash message can be read); identify sets it, inside LoadAndSave.
type sessionLoadedKey struct{}

func sessionLoaded(ctx context.Context) bool { v, _ := ctx.Value(sessionLoadedKey{}).(bool); return v }

// fail answers err as a problem document on /api/ and as a page elsewhere.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.problem(w, r, err)
		return
	}
	s.pageError(w, r, err)
}

// sessionError is scs's ErrorFunc: the session store (the database) failed
// while loading or saving the session. The request gets the same answer
// as any other error: 503 with Retry-After while the database is down.
func (s *Server) sessionError(w http.ResponseWriter, r *http.Request, err error) {
	s.fail(w, s.withRequestContext(r), fmt.Errorf("session: %w", err))
}

const sessionUserKey = auth.SessionUserKey

// bearerToken returns the token of an Authorization header of the Bearer
// scheme, whose name is case-insensitive (RFC 9110 section 11.1).
func bearerToken(h string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

func (s *Server) principal(r *http.Request) (*auth.Principal, error) {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
		secret, ok := bearerToken(h)
		if !ok {
			return nil, app.Errorf(app.EUNAUTHORIZED, "err.unauthorized")
		}
		if auth.IsClientToken(secret) {
			// An API client (an e-service platform), not a person: guard
			// lets it use only what its scopes grant and public reads.
			return auth.ClientPrincipal(ctx, s.db, secret)
		}
		id, err := auth.TokenUser(ctx, s.db, secret)
		if err != nil {
			return nil, err
		}
		p, err := auth.LoadPrincipal(ctx, s.db, id)
		if err == nil {
			p.Via = "token"
		}
		return p, err
	}
	id := s.sessions.GetInt64(ctx, sessionUserKey)
	if id == 0 {
		if g := s.sessions.GetInt64(ctx, guardianKey); g != 0 {
			return &auth.Principal{GuardianID: g, Via: "e-id"}, nil
		}
		return auth.Anonymous, nil
	}
	p, err := auth.LoadPrincipal(ctx, s.db, id)
	if app.Code(err) == app.EUNAUTHORIZED {
		// Deactivated or removed since sign-in: end the session.
		_ = s.sessions.Destroy(ctx)
	}
	if err == nil {
		p.Via = "session"
	}
	return p, err
}

// realClient replaces the peer address with the client's when the request
// came through a trusted reverse proxy: the rightmost X-Forwarded-For
// address that is not itself a trusted proxy. Without trusted proxies the
// header is ignored, so clients cannot choose their own address (which
// throttling, rate limits and the audit log rely on).
func (s *Server) realClient(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(s.opts.TrustedProxies) > 0 && s.trusted(clientIP(r)) {
			hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
			for i := len(hops) - 1; i >= 0; i-- {
				hop := strings.TrimSpace(hops[i])
				if addr, err := netip.ParseAddr(hop); err == nil && !s.trusted(hop) {
					r2 := r.Clone(r.Context())
					r2.RemoteAddr = netip.AddrPortFrom(addr, 0).String()
					r = r2
					break
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) trusted(ip string) bool {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	for _, p := range s.opts.TrustedProxies {
		if p.Contains(addr.Unmap()) {
			return true
		}
	}
	return false
}

// clientIP is the peer address (the client's, behind a trusted proxy; see
// realClient).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// clientNetwork is what per-address limits count by: an IPv4 address, or
// the /64 an IPv6 address belongs to (one household or host is given a
// whole /64, so counting single IPv6 addresses limits nobody).
func clientNetwork(r *http.Request) string { return auth.AddressKey(clientIP(r)) }

func cookieValue(r *http.Request, name string) string {
	c, err := r.Cookie(name)
	if err != nil {
		return ""
	}
	return c.Value
}

// securityHeaders sets a strict CSP (no inline script or style) and
// friends, and HSTS when the server is behind HTTPS (--secure-cookies).
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if s.opts.SecureCookies {
			// A year, as browsers' preload lists ask; not includeSubDomains,
			// since the municipality's other hosts are not ours to decide.
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

type routeKey struct{}

// noteRoute tells logRequests which route pattern matched; the mux sets
// r.Pattern only on the request it passes inward.
func noteRoute(r *http.Request) {
	if p, ok := r.Context().Value(routeKey{}).(*string); ok {
		*p = r.Pattern
	}
}

// logRequests logs one structured line per request. It logs the route
// pattern, not the path, so secrets in paths (reset links) stay out of logs.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		route := new(string)
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), routeKey{}, route)))
		s.opts.Metrics.Request(*route, r.Method, rec.status, time.Since(start))
		level := slog.LevelInfo
		if rec.status >= 500 {
			level = slog.LevelError
		}
		s.log.LogAttrs(r.Context(), level, "request",
			slog.String("method", r.Method),
			slog.String("route", *route),
			slog.Int("status", rec.status),
			slog.Duration("duration", time.Since(start)),
			slog.String("ip", clientIP(r)))
	})
}

// recoverPanics turns a panic into a logged error and a 500 page, never a
// stack trace to the user.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "value", fmt.Sprint(v), "stack", string(debug.Stack()))
				s.fail(w, r, errors.New("panic"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}
