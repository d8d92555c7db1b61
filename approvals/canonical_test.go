package approvals

import (
	"errors"
	"strings"
	"testing"
)

func TestCanonical(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"b":1,"a":2}`, `{"a":2,"b":1}`},
		{" {\n \"a\" : [ 1 , 2.50 , 1e3 ] }\t", `{"a":[1,2.50,1e3]}`},
		{`{"z":{"y":true,"x":null},"a":"<&>"}`, `{"a":"<&>","z":{"x":null,"y":true}}`},
		{`"\u0041\u202e"`, "\"A\u202e\""},
		{`12345678901234567890123`, `12345678901234567890123`},
		{`[]`, `[]`},
		{``, `null`},
		{"  \n", `null`},
	}
	for _, tt := range tests {
		got, err := Canonical([]byte(tt.in))
		if err != nil {
			t.Errorf("Canonical(%q): %v", tt.in, err)
			continue
		}
		if string(got) != tt.want {
			t.Errorf("Canonical(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestCanonicalDistinguishesValues(t *testing.T) {
	pairs := [][2]string{
		{`{"n":1}`, `{"n":1.0}`},
		{`{"n":1}`, `{"n":"1"}`},
		{`{"p":"a"}`, `{"p":"a "}`},
		{`{"a":null}`, `{}`},
		{`{"a":[1,2]}`, `{"a":[2,1]}`},
		{`{"a":false}`, `{"a":0}`},
	}
	for _, p := range pairs {
		a, err1 := Canonical([]byte(p[0]))
		b, err2 := Canonical([]byte(p[1]))
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if string(a) == string(b) {
			t.Errorf("%s and %s have the same canonical form %s", p[0], p[1], a)
		}
	}
}

func TestCanonicalRejects(t *testing.T) {
	for _, in := range []string{
		`{"a":1,"a":2}`,
		`{"x":{"a":1,"a":1}}`,
		`{"a":1} x`,
		`{"a":1}{}`,
		`{"a":`,
		`{"a" 1}`,
		`[1,]`,
		"\"\xff\"",
		`nul`,
		strings.Repeat("[", maxDepth+2) + strings.Repeat("]", maxDepth+2),
	} {
		if _, err := Canonical([]byte(in)); !errors.Is(err, ErrBadJSON) {
			t.Errorf("Canonical(%q) error = %v, want ErrBadJSON", in, err)
		}
	}
	ok := strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth)
	if _, err := Canonical([]byte(ok)); err != nil {
		t.Errorf("nesting of %d refused: %v", maxDepth, err)
	}
}
