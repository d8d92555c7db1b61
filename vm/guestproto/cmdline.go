package guestproto

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// BootConfig is what the host tells the agent on the kernel command line.
type BootConfig struct {
	Token    string      // airlock.token=HEX
	Shares   []ShareSpec // airlock.shares=NAME:ro,NAME:rw
	Channel  string      // airlock.chan=PORTNAME (virtio-serial) or vsock:PORT
	SelfTest bool        // airlock.selftest=1
}

// ShareSpec is one share the host attached.
type ShareSpec struct {
	Name     string
	ReadOnly bool
}

var (
	// Compiled on first use: every airlock command would otherwise pay
	// for them at start-up.
	tokenRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9a-f]{32,128}$`) })
	nameRE  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,30}$`) })
	chanRE  = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^([a-z0-9][a-z0-9._-]{0,62}|vsock:[0-9]{1,10})$`)
	})
)

// ParseCmdline extracts the agent's settings from a kernel command line.
// Unknown words are ignored (they belong to the kernel); malformed airlock
// settings are errors.
func ParseCmdline(line string) (BootConfig, error) {
	var c BootConfig
	for _, w := range strings.Fields(line) {
		k, v, _ := strings.Cut(w, "=")
		switch k {
		case "airlock.token":
			if !tokenRE().MatchString(v) {
				return c, fmt.Errorf("airlock.token: not a hex token")
			}
			c.Token = v
		case "airlock.chan":
			if !chanRE().MatchString(v) {
				return c, fmt.Errorf("airlock.chan: bad channel %q", v)
			}
			c.Channel = v
		case "airlock.selftest":
			c.SelfTest = v == "1"
		case "airlock.shares":
			if v == "" {
				continue
			}
			for _, s := range strings.Split(v, ",") {
				name, mode, ok := strings.Cut(s, ":")
				if !ok || !nameRE().MatchString(name) || (mode != "ro" && mode != "rw") {
					return c, fmt.Errorf("airlock.shares: bad entry %q, want NAME:ro or NAME:rw", s)
				}
				for _, prev := range c.Shares {
					if prev.Name == name {
						return c, fmt.Errorf("airlock.shares: %q listed twice", name)
					}
				}
				c.Shares = append(c.Shares, ShareSpec{Name: name, ReadOnly: mode == "ro"})
			}
		}
	}
	if c.Token == "" {
		return c, fmt.Errorf("airlock.token missing from the kernel command line")
	}
	if c.Channel == "" {
		return c, fmt.Errorf("airlock.chan missing from the kernel command line")
	}
	return c, nil
}

// Cmdline renders c as kernel command-line words; ParseCmdline reverses it.
func (c BootConfig) Cmdline() string {
	var b strings.Builder
	fmt.Fprintf(&b, "airlock.token=%s airlock.chan=%s", c.Token, c.Channel)
	if len(c.Shares) > 0 {
		parts := make([]string, len(c.Shares))
		for i, s := range c.Shares {
			mode := "rw"
			if s.ReadOnly {
				mode = "ro"
			}
			parts[i] = s.Name + ":" + mode
		}
		fmt.Fprintf(&b, " airlock.shares=%s", strings.Join(parts, ","))
	}
	if c.SelfTest {
		b.WriteString(" airlock.selftest=1")
	}
	return b.String()
}
