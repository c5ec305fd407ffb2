package web

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/complaint"
)

// Reading requests: path ids, posted forms, and uploads within size
// limits. A request too large or a file over its limit is a validation
// error on the form, never a crash or a half-read body.

// limitBody holds a request to its route's body rule (routes.go): a
// declared length over the limit is refused before anything is read, the
// body is cut at the limit, and a multipart body is refused where the
// route takes no files. A plain form is parsed here, so that a body over
// the limit is a clear 413 rather than an empty form. Whatever the handler
// spooled to disk is removed when it returns: this is the request the
// handler parsed (not an earlier copy whose form Go would clean up), so
// nothing stays in the temporary directory whatever the answer was.
func limitBody(rule bodyRule, h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		tooLarge := &app.Error{Code: app.ETOOLARGE, MsgID: "err.too_large", Data: map[string]any{"MB": max(rule.Max>>20, 1)}}
		if r.ContentLength > rule.Max {
			w.Header().Set("Connection", "close") // don't read what we refuse
			return tooLarge
		}
		r.Body = http.MaxBytesReader(w, r.Body, rule.Max)
		defer func() {
			if r.MultipartForm != nil {
				_ = r.MultipartForm.RemoveAll()
			}
		}()
		if isMultipart(r) {
			if !rule.Files {
				w.Header().Set("Connection", "close")
				return app.Errorf(app.EUNSUPPORTED, "err.multipart")
			}
		} else if err := r.ParseForm(); err != nil {
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				return tooLarge
			}
			return app.Errorf(app.EINVALID, "err.form")
		}
		return h(w, r)
	}
}

func isMultipart(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return strings.HasPrefix(mt, "multipart/")
}

// pathID reads a numeric path value; anything else is simply not found.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, app.NotFound()
	}
	return id, nil
}

// formValues reads the named fields of a posted form.
func formValues(r *http.Request, names ...string) map[string]string {
	vals := make(map[string]string, len(names))
	for _, n := range names {
		vals[n] = strings.TrimSpace(r.PostFormValue(n))
	}
	return vals
}

// readUpload reads an optional uploaded file of at most limit bytes.
func readUpload(r *http.Request, field string, limit int64) ([]byte, string, error) {
	f, h, err := r.FormFile(field)
	if errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, "", err
	}
	if int64(len(b)) > limit {
		var v app.Validation
		v.Add(field, "placementweb.err.too_large", map[string]any{"MB": limit >> 20})
		return nil, "", v.Err()
	}
	return b, h.Filename, nil
}

// parseMultipart parses a form that may carry files of up to limit bytes
// in all (plus a margin for the other fields); a plain form is parsed too.
func parseMultipart(w http.ResponseWriter, r *http.Request, limit int64) error {
	r.Body = http.MaxBytesReader(w, r.Body, limit+1<<20)
	err := r.ParseMultipartForm(32 << 20)
	if errors.Is(err, http.ErrNotMultipart) {
		return r.ParseForm()
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return app.Errorf(app.EINVALID, "placementweb.err.request_too_large")
	}
	return err
}

// parseUpload reads a form that may carry files, within the size limit of
// a submission; a body too large is a validation error on the file field.
// Call the returned cleanup when done, to remove spooled files.
func parseUpload(w http.ResponseWriter, r *http.Request, fileField string) (cleanup func(), err error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxSubmissionBytes)
	cleanup = func() {
		if r.MultipartForm != nil {
			_ = r.MultipartForm.RemoveAll()
		}
	}
	if err := r.ParseMultipartForm(8 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		var v app.Validation
		v.Add(fileField, "field.attachment_size", map[string]any{"MaxMB": complaint.MaxAttachmentBytes >> 20})
		return cleanup, v.Err()
	}
	return cleanup, nil
}

// formFiles reads the uploaded files of a multipart field, deciding each
// file's type from its content.
func formFiles(r *http.Request, field string) ([]complaint.Attachment, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	var out []complaint.Attachment
	for _, fh := range r.MultipartForm.File[field] {
		if fh.Size == 0 && fh.Filename == "" {
			continue // an empty file input
		}
		data, err := readPart(fh)
		if err != nil {
			var v app.Validation
			v.Add(field, "field.attachment_size", map[string]any{"MaxMB": complaint.MaxAttachmentBytes >> 20, "Name": fh.Filename})
			return nil, v.Err()
		}
		out = append(out, complaint.NewAttachment(fh.Filename, data))
	}
	return out, nil
}

func readPart(fh *multipart.FileHeader) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, complaint.MaxAttachmentBytes+1))
	if err == nil && len(data) > complaint.MaxAttachmentBytes {
		err = errors.New("too large")
	}
	return data, err
}
