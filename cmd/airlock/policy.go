package main

import (
	"encoding/json"
	"io"

	"github.com/airlock-dev/airlock/approvals"
)

// loadPolicy reads the policy file (or the defaults), adds the kinds
// pre-approved on the command line and sets the injection mode if given.
func loadPolicy(file, approve, injection string) (approvals.Policy, error) {
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
	if injection != "" {
		m, err := approvals.ParseInjectionMode(injection)
		if err != nil {
			return p, usageError{"--injection: want annotate, redact or quarantine"}
		}
		p.Injection = m
	}
	return p, nil
}

func cmdPolicy(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "show" {
		return usageError{"policy: want `policy show [--policy FILE] [--approve KINDS] [--injection MODE]`"}
	}
	fs := newFlagSet("policy show", stderr)
	file := fs.String("policy", "", "policy file to load")
	approve := fs.String("approve", "", "kinds to pre-approve")
	injection := fs.String("injection", "", "injection mode: annotate, redact or quarantine")
	if err := fs.Parse(args[1:]); err != nil {
		return usageError{err.Error()}
	}
	p, err := loadPolicy(*file, *approve, *injection)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(p)
}
