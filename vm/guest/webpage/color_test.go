package webpage

import "testing"

func TestParseColour(t *testing.T) {
	for in, want := range map[string]colour{
		"white":                    {255, 255, 255, 1},
		"WhiteSmoke":               {245, 245, 245, 1},
		"#fff":                     {255, 255, 255, 1},
		"#FfFfFf":                  {255, 255, 255, 1},
		"#0000":                    {0, 0, 0, 0},
		"#11223380":                {0x11, 0x22, 0x33, 128.0 / 255},
		"rgb(255,255,255)":         {255, 255, 255, 1},
		"rgb(100% 0% 50%)":         {255, 0, 128, 1},
		"rgba(0, 0, 0, 0.5)":       {0, 0, 0, 0.5},
		"rgb(0 0 0 / 25%)":         {0, 0, 0, 0.25},
		"rgb(300, -5, 0)":          {255, 0, 0, 1},
		"hsl(0, 0%, 100%)":         {255, 255, 255, 1},
		"hsl(120deg 100% 25%)":     {0, 128, 0, 1},
		"hsla(240, 100%, 50%, .1)": {0, 0, 255, 0.1},
		"transparent":              {0, 0, 0, 0},
	} {
		if got, ok := parseColour(in); !ok || got != want {
			t.Errorf("parseColour(%q) = %v, %v, want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "nocolour", "#ff", "#gggggg", "rgb(1,2)", "rgb(a,b,c)", "currentcolor", "rgb(1,2,3", "lab(50% 0 0)"} {
		if got, ok := parseColour(in); ok {
			t.Errorf("parseColour(%q) = %v, want not ok", in, got)
		}
	}
}

func TestColourNear(t *testing.T) {
	w := colour{255, 255, 255, 1}
	for c, want := range map[colour]bool{
		{255, 255, 255, 1}: true,
		{240, 240, 240, 1}: true,
		{238, 238, 238, 1}: false,
		{255, 255, 200, 1}: false,
	} {
		if got := w.near(c); got != want {
			t.Errorf("white near %v = %v", c, got)
		}
	}
}

func TestBackgroundColour(t *testing.T) {
	for _, c := range []struct {
		in         string
		want       colour
		known, set bool
	}{
		{"#000", colour{0, 0, 0, 1}, true, true},
		{"none", colour{}, false, false},
		{"", colour{}, false, false},
		{"transparent", colour{}, false, false},
		{"url(x.png) no-repeat #fff", colour{}, false, true},
		{"linear-gradient(#fff, #000)", colour{}, false, true},
		{"center / cover rgb(1, 2, 3)", colour{1, 2, 3, 1}, true, true},
		{"rgba(0,0,0,.2)", colour{}, false, false},
	} {
		got, known, set := backgroundColour(c.in)
		if got != c.want || known != c.known || set != c.set {
			t.Errorf("backgroundColour(%q) = %v, %v, %v", c.in, got, known, set)
		}
	}
}
