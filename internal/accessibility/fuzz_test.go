package accessibility_test

import (
	"strings"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/accessibility"
)

// FuzzParseCSV: any statement file is a set or an error, in bounded time;
// never a panic.
func FuzzParseCSV(f *testing.F) {
	f.Add(strings.Join(accessibility.CSVColumns(), ";") + "\n")
	f.Add(strings.Join(accessibility.CSVColumns(), ",") + "\nsocial,s1,\"Alla\nkänner\",a,b,c,d,e\n")
	f.Add("\ufeffkey;area\n;;;\n\"x")
	f.Fuzz(func(t *testing.T, in string) {
		start := time.Now()
		_, _ = accessibility.ParseCSV(strings.NewReader(in), "set.csv")
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("took %v", d)
		}
	})
}
