// SPDX-License-Identifier: Apache-2.0

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestClassify(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"                                 Apache License\n                           Version 2.0, January 2004", "Apache-2.0"},
		{"Permission is hereby granted, free of charge, to any person\nobtaining a copy ... THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY", "MIT"},
		{"Redistribution and use in source and binary forms, with or without\nmodification ... * Neither the name of Google Inc. nor", "BSD-3-Clause"},
		{"Redistribution and use in source and binary forms, with or without modification, are permitted", "BSD-2-Clause"},
		{"Permission to use, copy, modify, and/or distribute this software for any\npurpose with or without fee is hereby granted", "ISC"},
		{"Mozilla Public License Version 2.0", "MPL-2.0"},
		{"GNU LESSER GENERAL PUBLIC LICENSE\n Version 3, 29 June 2007", "LGPL-3.0"},
		{"GNU GENERAL PUBLIC LICENSE\n Version 3, 29 June 2007", "GPL-3.0"},
		{"GNU AFFERO GENERAL PUBLIC LICENSE Version 3", ""},
		{"Business Source License 1.1", ""},
	} {
		if got := classify([]byte(c.text)); got != c.want {
			t.Errorf("classify(%.40q) = %q, want %q", c.text, got, c.want)
		}
	}
}

// A module is refused when a licence file is unknown or not allowed, when it has none,
// or when a GPL file that covers only unlinked code covers a package scfx imports.
func TestCheckModule(t *testing.T) {
	write := func(files map[string]string) string {
		dir := t.TempDir()
		for name, text := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	const (
		gpl  = "GNU GENERAL PUBLIC LICENSE Version 3"
		lgpl = "GNU LESSER GENERAL PUBLIC LICENSE Version 3"
		mit  = "Permission is hereby granted, free of charge, THE SOFTWARE IS PROVIDED \"AS IS\""
	)
	geth := "github.com/ethereum/go-ethereum"
	for _, c := range []struct {
		name  string
		m     module
		pkgs  []string
		want  string // "" accepted, else part of the error
		files map[string]string
	}{
		{"mit", module{path: "example.com/a"}, nil, "", map[string]string{"LICENSE": mit, "LICENSE.docs": "CC-BY-SA"}},
		{"gpl", module{path: "example.com/a"}, nil, "GPL-3.0 licence", map[string]string{"LICENSE": gpl}},
		{"unknown", module{path: "example.com/a"}, nil, "unrecognised", map[string]string{"LICENSE": "all rights reserved"}},
		{"none", module{path: "example.com/a"}, nil, "no licence file", map[string]string{"README": mit}},
		{"geth library", module{path: geth}, []string{geth + "/common"}, "", map[string]string{"COPYING": gpl, "COPYING.LESSER": lgpl}},
		{"geth cmd linked", module{path: geth}, []string{geth + "/cmd/utils"}, "scfx imports", map[string]string{"COPYING": gpl, "COPYING.LESSER": lgpl}},
	} {
		c.m.dir = write(c.files)
		_, err := checkModule(c.m, c.pkgs)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: checkModule = %v, want accepted", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: checkModule = %v, want an error saying %q", c.name, err, c.want)
		}
	}
}
