package guestproto

import (
	"reflect"
	"testing"
)

func TestParseCmdline(t *testing.T) {
	tok := "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
	tests := []struct {
		line    string
		want    BootConfig
		wantErr bool
	}{
		{
			line: "console=ttyS0 quiet airlock.token=" + tok + " airlock.chan=airlock.agent airlock.shares=docs:ro,work:rw panic=-1",
			want: BootConfig{Token: tok, Channel: "airlock.agent", Shares: []ShareSpec{{"docs", true}, {"work", false}}},
		},
		{
			line: "airlock.token=" + tok + " airlock.chan=vsock:1024 airlock.selftest=1",
			want: BootConfig{Token: tok, Channel: "vsock:1024", SelfTest: true},
		},
		{line: "airlock.chan=x", wantErr: true},                   // no token
		{line: "airlock.token=" + tok, wantErr: true},             // no channel
		{line: "airlock.token=XYZ airlock.chan=x", wantErr: true}, // not hex
		{line: "airlock.token=" + tok + " airlock.chan=x airlock.shares=a:rx", wantErr: true},
		{line: "airlock.token=" + tok + " airlock.chan=x airlock.shares=../a:ro", wantErr: true},
		{line: "airlock.token=" + tok + " airlock.chan=x airlock.shares=a:ro,a:rw", wantErr: true},
		{line: "airlock.token=" + tok + " airlock.chan=../../dev/x", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseCmdline(tt.line)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseCmdline(%q) error = %v, wantErr %v", tt.line, err, tt.wantErr)
			continue
		}
		if !tt.wantErr && !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseCmdline(%q) = %+v, want %+v", tt.line, got, tt.want)
		}
		if !tt.wantErr {
			back, err := ParseCmdline(got.Cmdline())
			if err != nil || !reflect.DeepEqual(back, got) {
				t.Errorf("round trip of %+v = %+v, %v", got, back, err)
			}
		}
	}
}
