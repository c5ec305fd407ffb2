package register

import (
	"strings"
	"testing"
	"time"
)

// FuzzParse: any extract is either children or line errors naming the
// file and a line it has, in bounded time; never a panic.
func FuzzParse(f *testing.F) {
	f.Add(strings.Join(Header(), ",") + "\n")
	f.Add("child_id;name;year;address;postal_code;n;e;guardian1_name;guardian1_email;guardian1_custody\nK1;Alva Lind;0;Storgatan 1;12345;6580000;320000;Sara Lind;sara@example.se;ja\n")
	f.Add("child_id,name,year,lat,lon,guardian1_name\nK1,\"A\nB\",0,57.7,11.9,X\nK1,B,0,x,y,\n\"K2")
	f.Add("\ufeffchild_id,name,year,n,e\nK1,A,0,320000,6580000\n")
	f.Fuzz(func(t *testing.T, in string) {
		start := time.Now()
		children, err := Parse(strings.NewReader(in), "register.csv")
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("took %v", d)
		}
		if err != nil {
			lines := strings.Count(in, "\n") + 1
			for _, le := range lineErrors(t, err) {
				if le.File != "register.csv" || le.Line < 0 || le.Line > lines {
					t.Fatalf("%d lines: %v (line %d)", lines, le, le.Line)
				}
			}
			if children != nil {
				t.Fatal("children and an error")
			}
		}
	})
}
