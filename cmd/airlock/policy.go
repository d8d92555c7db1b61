package main

import (
	"encoding/json"
	"io"

	"github.com/airlock-dev/airlock/approvals"
)

// loadPolicy reads the policy file (or the defaults) and adds the kinds
// pre-approved on the command line.
func loadPolicy(file, approve string) (approvals.Policy, error) {
	p := approvals.DefaultPolicy()
	if file != "" {
		var err error
		if p, err = approvals.LoadPolicy(file); err != nil {
			return p, err
		}
	}
	if approve != "" {
		kinds, err := approvals.ParseApproveFlag(approve)
		if err != nil {
			return p, usageError{"--approve: " + err.Error()}
		}
		p.PreApproved = append(p.PreApproved, kinds...)
	}
	return p, nil
}

func cmdPolicy(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "show" {
		return usageError{"policy: want `policy show [--policy FILE] [--approve KINDS]`"}
	}
	fs := newFlagSet("policy show", stderr)
	file := fs.String("policy", "", "policy file to load")
	approve := fs.String("approve", "", "kinds to pre-approve")
	if err := fs.Parse(args[1:]); err != nil {
		return usageError{err.Error()}
	}
	p, err := loadPolicy(*file, *approve)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(p)
}
