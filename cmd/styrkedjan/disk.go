package main

import (
	"os"
	"path/filepath"
	"strings"
)

// diskPaths are the folders whose free space /healthz watches: the
// temporary folder (uploads are spooled there) and, for SQLite, the
// database's folder. PostgreSQL's disk is the database server's to watch.
func diskPaths(dbURL string) []string {
	paths := []string{os.TempDir()}
	for _, prefix := range []string{"sqlite:", "file:"} {
		if rest, ok := strings.CutPrefix(dbURL, prefix); ok {
			rest, _, _ = strings.Cut(strings.TrimPrefix(rest, "//"), "?")
			if dir := filepath.Dir(rest); dir != os.TempDir() {
				paths = append(paths, dir)
			}
			break
		}
	}
	return paths
}
