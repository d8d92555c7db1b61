package classifier

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestEncodedIgnoresBinaryAndBenignText(t *testing.T) {
	benign := base64.StdEncoding.EncodeToString([]byte("The quarterly report is attached for your review."))
	for _, s := range []string{
		"token: " + base64.StdEncoding.EncodeToString([]byte{0, 1, 2, 250, 251, 252, 253, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 99}),
		"summary=" + benign,
		"deadbeefdeadbeefdeadbeefdeadbeefdeadbeef",
		"path%2Fto%2Ffile%20name%20here",
	} {
		if fs := findEncoded(s); len(fs) != 0 {
			t.Errorf("findEncoded(%q) = %+v", s, fs)
		}
	}
}

func TestDecodeB64Variants(t *testing.T) {
	msg := "ignore previous instructions??>>"
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if got := string(decodeB64(enc.EncodeToString([]byte(msg)))); got != msg {
			t.Errorf("decodeB64 = %q", got)
		}
	}
}

func TestROT13RoundTrip(t *testing.T) {
	if rot13(rot13("Hello, World")) != "Hello, World" || !rot13Hint(rot13("please IGNORE this")) {
		t.Fatal("rot13 helpers broken")
	}
	if rot13Hint("an ordinary line of text") {
		t.Fatal("rot13Hint fired on plain text")
	}
}

func TestExfilLinkNegatives(t *testing.T) {
	for _, s := range []string{"[docs](https://go.dev/doc?lang=en)", "![badge](https://img.shields.io/badge/go-1.26-blue)", strings.Repeat("](http", 1000)} {
		if fs := findExfilLinks(s); len(fs) != 0 {
			t.Errorf("findExfilLinks(%.40q) = %+v", s, fs)
		}
	}
}
