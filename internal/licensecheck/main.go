// SPDX-License-Identifier: Apache-2.0

// Command licensecheck fails when a dependency's licence is not one that scfx, under
// Apache-2.0, may link or build with: every Go module a package of ./... (tests
// included) imports, read from the module cache, and every npm package of
// contracts/package-lock.json and console/package-lock.json. It reads only local files, so `make check` runs it
// offline. Run from the module root: go run ./internal/licensecheck
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// allowed are the licences compatible with distributing scfx under Apache-2.0.
// LGPL-3.0 is go-ethereum's for its library packages: scfx links them unmodified and
// ships its source, which the LGPL's linking terms allow (a user can rebuild against
// another go-ethereum with go.mod's replace).
var allowed = map[string]bool{
	"Apache-2.0": true, "MIT": true, "BSD-2-Clause": true, "BSD-3-Clause": true,
	"ISC": true, "MPL-2.0": true, "LGPL-3.0": true,
	"0BSD":    true, // tslib, which ethers bundles: BSD without even the notice requirement
	"CC0-1.0": true, // a public-domain dedication (github.com/dchest/siphash)
}

// declared are modules whose licence is not in a licence file at their root: the
// licence as the source declares it, and where.
var declared = map[string]string{
	"github.com/holiman/bloomfilter/v2": "MIT", // "MIT license" in bloomfilter.go's header; no LICENSE file
}

// npmDeclared are npm packages whose lock entry names no licence: memorystream's
// package.json has the old "licenses" array, which npm does not copy into the lock;
// its LICENSE file is MIT.
var npmDeclared = map[string]string{
	"memorystream@0.3.1": "MIT",
}

// gplOnly are licence files a module holds for code scfx does not link. go-ethereum's
// COPYING (GPL-3.0) covers its cmd/ programs; its library is under COPYING.LESSER.
var gplOnly = map[string]string{
	"github.com/ethereum/go-ethereum/COPYING": "github.com/ethereum/go-ethereum/cmd/",
}

// licenceFile names a module's licence files; LICENSE.docs (documentation under CC)
// and directories (pion's LICENSES/) are not code licences.
var licenceFile = regexp.MustCompile(`(?i)^(licen[cs]e|copying)(\.(md|txt|lesser|libyaml))?$`)

// rule names a licence by phrases its text always holds. Order matters: the first
// rule whose phrases all occur wins, so the more specific come first.
type rule struct {
	id      string
	phrases []string
}

var rules = []rule{
	{"LGPL-3.0", []string{"GNU LESSER GENERAL PUBLIC LICENSE", "Version 3"}},
	{"GPL-3.0", []string{"GNU GENERAL PUBLIC LICENSE", "Version 3"}},
	{"GPL-2.0", []string{"GNU GENERAL PUBLIC LICENSE", "Version 2"}},
	{"CC0-1.0", []string{"CC0 1.0 Universal"}},
	{"MPL-2.0", []string{"Mozilla Public License", "2.0"}},
	{"Apache-2.0", []string{"Apache License", "Version 2.0"}},
	{"MIT", []string{"Permission is hereby granted, free of charge", "THE SOFTWARE IS PROVIDED \"AS IS\""}},
	{"ISC", []string{"Permission to use, copy, modify, and", "distribute this software for any", "purpose with or without fee is hereby granted"}},
	{"BSD-3-Clause", []string{"Redistribution and use in source and binary forms", "Neither the name"}},
	{"BSD-3-Clause", []string{"Redistribution and use in source and binary forms", "names of its contributors may be used to endorse"}},
	{"BSD-2-Clause", []string{"Redistribution and use in source and binary forms"}},
}

// space collapses line breaks and indentation, so that a phrase matches however the
// file wraps it.
var space = regexp.MustCompile(`\s+`)

// classify names the licence of a licence file's text, or "" when no rule matches.
func classify(text []byte) string {
	t := space.ReplaceAllString(string(text), " ")
	for _, r := range rules {
		ok := true
		for _, p := range r.phrases {
			if !strings.Contains(t, p) {
				ok = false
				break
			}
		}
		if ok {
			return r.id
		}
	}
	return ""
}

type module struct{ path, version, dir string }

// goModules lists the modules whose packages ./... imports, tests included, and the
// packages it imports.
func goModules() ([]module, []string, error) {
	out, err := exec.Command("go", "list", "-deps", "-test", "-f",
		`{{.ImportPath}}{{with .Module}} {{.Path}} {{.Version}} {{if .Replace}}{{.Replace.Dir}}{{else}}{{.Dir}}{{end}}{{end}}`, "./...").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, nil, fmt.Errorf("go list: %v\n%s", err, ee.Stderr)
		}
		return nil, nil, fmt.Errorf("go list: %w", err)
	}
	seen := map[string]module{}
	var pkgs []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		pkgs = append(pkgs, f[0])
		if len(f) == 4 && f[2] != "" { // a module with a version: not scfx itself, not std
			seen[f[1]] = module{path: f[1], version: f[2], dir: f[3]}
		}
	}
	mods := make([]module, 0, len(seen))
	for _, m := range seen {
		mods = append(mods, m)
	}
	sort.Slice(mods, func(i, j int) bool { return mods[i].path < mods[j].path })
	return mods, pkgs, nil
}

// checkModule returns the module's licences, or why they are not acceptable.
func checkModule(m module, pkgs []string) ([]string, error) {
	if id, ok := declared[m.path]; ok {
		return []string{id}, nil
	}
	entries, err := os.ReadDir(m.dir)
	if err != nil {
		return nil, fmt.Errorf("read module dir: %w", err)
	}
	var ids []string
	for _, e := range entries {
		if e.IsDir() || !licenceFile.MatchString(e.Name()) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(m.dir, e.Name()))
		if err != nil {
			return nil, err
		}
		id := classify(b)
		if prefix, ok := gplOnly[m.path+"/"+e.Name()]; ok {
			for _, p := range pkgs {
				if strings.HasPrefix(p, prefix) {
					return nil, fmt.Errorf("%s (%s) covers %s, which scfx imports (%s)", e.Name(), id, prefix, p)
				}
			}
			continue
		}
		if !allowed[id] {
			if id == "" {
				id = "unrecognised"
			}
			return nil, fmt.Errorf("%s: %s licence", e.Name(), id)
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return nil, errors.New("no licence file at the module's root: read its source and add it to declared")
	}
	return ids, nil
}

// npmLicences checks the licence every package of an npm lock file declares.
func npmLicences(lockPath string) (map[string]string, []string, error) {
	b, err := os.ReadFile(lockPath)
	if err != nil {
		return nil, nil, err
	}
	var lock struct {
		Packages map[string]struct {
			Version string `json:"version"`
			License string `json:"license"`
		} `json:"packages"`
	}
	if err := json.Unmarshal(b, &lock); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", lockPath, err)
	}
	got := map[string]string{}
	var bad []string
	for name, p := range lock.Packages {
		if name == "" { // the contracts package itself
			continue
		}
		name = strings.TrimPrefix(name[strings.LastIndex(name, "node_modules/"):], "node_modules/") + "@" + p.Version
		if id, ok := npmDeclared[name]; ok && p.License == "" {
			p.License = id
		}
		got[name] = p.License
		if !allowed[p.License] {
			bad = append(bad, fmt.Sprintf("npm %s: licence %q", name, p.License))
		}
	}
	return got, bad, nil
}

func main() {
	verbose := len(os.Args) > 1 && os.Args[1] == "-v"
	mods, pkgs, err := goModules()
	if err != nil {
		fmt.Fprintln(os.Stderr, "licensecheck:", err)
		os.Exit(2)
	}
	var bad []string
	for _, m := range mods {
		ids, err := checkModule(m, pkgs)
		if err != nil {
			bad = append(bad, fmt.Sprintf("go %s@%s: %v", m.path, m.version, err))
			continue
		}
		if verbose {
			fmt.Printf("go  %s@%s %s\n", m.path, m.version, strings.Join(ids, ", "))
		}
	}
	npm := map[string]string{}
	for _, dir := range []string{"contracts", "console"} {
		got, npmBad, err := npmLicences(filepath.Join(dir, "package-lock.json"))
		if err != nil {
			fmt.Fprintln(os.Stderr, "licensecheck:", err)
			os.Exit(2)
		}
		for n, l := range got {
			npm[n] = l
		}
		bad = append(bad, npmBad...)
	}
	if verbose {
		names := make([]string, 0, len(npm))
		for n := range npm {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Printf("npm %s %s\n", n, npm[n])
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		fmt.Fprintf(os.Stderr, "licensecheck: %d dependencies without an accepted licence (%s):\n  %s\n",
			len(bad), "see internal/licensecheck", strings.Join(bad, "\n  "))
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "licensecheck: %d Go modules and %d npm packages under accepted licences\n", len(mods), len(npm))
}
