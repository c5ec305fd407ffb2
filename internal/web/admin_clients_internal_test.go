package web

import (
	"errors"
	"slices"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/app"
)

func TestClientFormValidate(t *testing.T) {
	for _, tc := range []struct {
		form   clientForm
		fields []string
	}{
		{clientForm{"E-tjänsteplattformen", 600}, nil},
		{clientForm{"", 600}, []string{"name"}},
		{clientForm{"Två\nrader", 600}, []string{"name"}},
		{clientForm{"Plattform", 0}, []string{"per_minute"}},
		{clientForm{"Plattform", 100001}, []string{"per_minute"}},
		{clientForm{"", -1}, []string{"name", "per_minute"}},
	} {
		err := tc.form.Validate()
		var ae *app.Error
		if len(tc.fields) == 0 {
			if err != nil {
				t.Errorf("%+v: %v", tc.form, err)
			}
			continue
		}
		if !errors.As(err, &ae) {
			t.Fatalf("%+v: %v, want a validation error", tc.form, err)
		}
		var got []string
		for _, f := range ae.Fields {
			got = append(got, f.Field)
		}
		if !slices.Equal(got, tc.fields) {
			t.Errorf("%+v: errors on %v, want %v", tc.form, got, tc.fields)
		}
	}
}
