package export

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"golang.org/x/sync/singleflight"
)

// Printing with headless Chromium. Chromium is a runtime dependency of the
// tagged PDFs (Debian: apt-get install chromium): where it is missing,
// documents are drawn with fpdf as before, untagged, and Tagged says so
// (the server logs it at start). One browser is started on the first
// document and shared (each document prints in its own tab, at most two at
// a time); it is stopped after a minute without documents and started
// again when needed. On Linux the browser dies with the server.

// ChromiumPath is where the kit looks for Chromium: $STYRKEDJAN_CHROMIUM,
// then /usr/bin/chromium, then chromium, chromium-browser and
// google-chrome on $PATH; "" when there is none.
func ChromiumPath() string {
	if p := os.Getenv("STYRKEDJAN_CHROMIUM"); p != "" {
		if p == "none" {
			return ""
		}
		if lp, err := exec.LookPath(p); err == nil {
			return lp
		}
		return ""
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Tagged reports whether PDFs are printed as tagged documents (Chromium
// is installed); otherwise they are untagged fpdf drawings.
func Tagged() bool { return ChromiumPath() != "" }

// printTimeout bounds one document's printing.
const printTimeout = 60 * time.Second

var shared = &printer{slots: make(chan struct{}, 2)}

type printer struct {
	mu     sync.Mutex
	ctx    context.Context // the browser's; nil when none runs
	cancel context.CancelFunc
	idle   *time.Timer
	users  int
	slots  chan struct{}
}

// browser returns the running browser's context, starting it if needed.
func (p *printer) browser(path string) (context.Context, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.users++
	if p.idle != nil {
		p.idle.Stop()
	}
	if p.ctx != nil && p.ctx.Err() == nil {
		return p.ctx, nil
	}
	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(path), chromedp.Headless, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true), chromedp.Flag("block-new-web-contents", true))
	if os.Geteuid() == 0 {
		// Chromium refuses its sandbox to root (containers, CI); the page
		// it prints is the kit's own HTML with a CSP that loads nothing.
		opts = append(opts, chromedp.NoSandbox)
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	if err := chromedp.Do(bctx); err != nil { // starts the browser
		cancelBrowser()
		cancelAlloc()
		p.users--
		return nil, err
	}
	p.ctx = bctx
	p.cancel = func() {
		_ = chromedp.Cancel(bctx)
		cancelBrowser()
		cancelAlloc()
	}
	return bctx, nil
}

// release ends a document's use of the browser; the last user arms the
// idle stop.
func (p *printer) release(failed bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.users--
	if failed && p.cancel != nil && p.users == 0 {
		p.cancel() // a browser that failed is started afresh next time
		p.ctx, p.cancel = nil, nil
		return
	}
	if p.users == 0 && p.cancel != nil {
		p.idle = time.AfterFunc(time.Minute, func() {
			p.mu.Lock()
			defer p.mu.Unlock()
			if p.users == 0 && p.cancel != nil {
				p.cancel()
				p.ctx, p.cancel = nil, nil
			}
		})
	}
}

// print renders the HTML document as a tagged PDF. The same document
// again — a board of fifteen opening one report during a meeting — is
// answered from the last PDFs printed, and simultaneous requests for one
// document wait for a single print.
func (p *printer) print(path, doc string, o PDFOptions) ([]byte, error) {
	sum := sha256.Sum256([]byte(path + "\x00" + footer(o) + "\x00" + doc))
	key := string(sum[:])
	if b, ok := printed.get(key); ok {
		return slices.Clip(b), nil // callers append (identify): never into the cached array
	}
	v, err, _ := printing.Do(key, func() (any, error) {
		b, err := p.printNow(path, doc, o)
		if err == nil {
			printed.put(key, b)
		}
		return b, err
	})
	if err != nil {
		return nil, err
	}
	return slices.Clip(v.([]byte)), nil
}

// printed holds the last printed PDFs by a digest of what was printed;
// printing joins simultaneous prints of one document.
var (
	printed  = &pdfCache{max: 32}
	printing singleflight.Group
)

// pdfCache is a small cache of printed PDFs, the oldest dropped first.
type pdfCache struct {
	mu    sync.Mutex
	max   int
	keys  []string
	items map[string][]byte
}

func (c *pdfCache) get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.items[key]
	return b, ok
}

func (c *pdfCache) put(key string, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.items == nil {
		c.items = map[string][]byte{}
	}
	if _, ok := c.items[key]; ok {
		return
	}
	if len(c.keys) == c.max {
		delete(c.items, c.keys[0])
		c.keys = c.keys[1:]
	}
	c.keys = append(c.keys, key)
	c.items[key] = b
}

// prints counts the documents Chromium printed (for tests).
var prints atomic.Int64

// printNow prints the document in the shared browser.
func (p *printer) printNow(path, doc string, o PDFOptions) ([]byte, error) {
	prints.Add(1)
	p.slots <- struct{}{}
	defer func() { <-p.slots }()
	bctx, err := p.browser(path)
	if err != nil {
		return nil, fmt.Errorf("start chromium: %w", err)
	}
	out, err := printIn(bctx, doc, o)
	p.release(err != nil)
	return out, err
}

func printIn(bctx context.Context, doc string, o PDFOptions) ([]byte, error) {
	tab, closeTab := chromedp.NewContext(bctx)
	defer closeTab()
	if err := chromedp.Do(tab); err != nil { // opens the tab
		return nil, err
	}
	ctx, cancel := context.WithTimeout(tab, printTimeout)
	defer cancel()
	var out []byte
	t := true
	err := chromedp.Do(ctx, chromedp.Navigate("about:blank"), chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		ft, err := chromedp.Call(ctx, page.GetFrameTree, struct{}{})
		if err != nil {
			return err
		}
		if _, err := chromedp.Call(ctx, page.SetDocumentContent, page.SetDocumentContentParams{FrameID: ft.FrameTree.Frame.ID, HTML: doc}); err != nil {
			return err
		}
		return nil
	}), chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		// The charts are decoded and the fonts loaded before printing.
		_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`Promise.all([...document.images].map(i => i.decode().catch(() => null))).then(() => document.fonts.ready).then(() => true)`, chromedp.EvalAwaitPromise))
		return err
	}), chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		res, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{
			GenerateTaggedPDF: &t, GenerateDocumentOutline: &t, PreferCSSPageSize: &t, PrintBackground: &t,
			DisplayHeaderFooter: &t, HeaderTemplate: "<span></span>", FooterTemplate: footer(o),
		})
		out = res.Data
		return err
	}))
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errors.New("chromium printed nothing")
	}
	return out, nil
}

// logFallback says once per process that PDFs are drawn untagged.
var logFallback sync.Once

func warnUntagged() {
	logFallback.Do(func() {
		slog.Warn("export: Chromium not found (install chromium or set STYRKEDJAN_CHROMIUM): PDFs are written untagged")
	})
}
