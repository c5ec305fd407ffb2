package app

import "testing"

func TestCleanText(t *testing.T) {
	for in, want := range map[string]string{
		"  Hej\x00 d\xffär\r\nrad två\u2028 ": "Hej d\uFFFDär\nrad två",
		"\tindrag\tbehålls\x1b[31m":           "indrag\tbehålls[31m",
		"":                                    "",
	} {
		if got := CleanText(in); got != want {
			t.Errorf("CleanText(%q) = %q, want %q", in, got, want)
		}
	}
	if got := CleanLine(" Anna \n  Andersson\t"); got != "Anna Andersson" {
		t.Errorf("CleanLine = %q", got)
	}
	if !TooLong("ååå", 2) || TooLong("ååå", 3) {
		t.Error("TooLong counts bytes, not characters")
	}
}
