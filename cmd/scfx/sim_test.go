// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scfx/scfx/sim"
)

var simSmallArgs = []string{"--seed", "3", "--cores", "3", "--smes", "90", "--lenders", "4", "--days", "35"}

func runSim(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := simCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(io.Discard)
	cmd.SetArgs(append(append([]string{}, simSmallArgs...), args...))
	err := cmd.Execute()
	return out.String(), err
}

func TestSimPrintsTableAndWritesSVG(t *testing.T) {
	svg := filepath.Join(t.TempDir(), "rates.svg")
	out, err := runSim(t, "--svg", svg)
	if err != nil {
		t.Fatalf("scfx sim = %v", err)
	}
	for _, want := range []string{"clearing", "continuous", "treds", "auction", "rate bps", "gap to the LP bound"} {
		if !strings.Contains(out, want) {
			t.Errorf("scfx sim output lacks %q:\n%s", want, out)
		}
	}
	b, err := os.ReadFile(svg)
	if err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(bytes.NewReader(b))
	for {
		if _, err := dec.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("%s is not well-formed: %v", svg, err)
		}
	}
	if !bytes.Contains(b, []byte("<svg")) || !bytes.Contains(b, []byte("tier 3")) {
		t.Errorf("%s is not the rate chart:\n%s", svg, b)
	}
	again, err := runSim(t)
	if err != nil || again != out {
		t.Errorf("a second run of the same seed printed other bytes (err %v)", err)
	}
}

func TestSimJSONParses(t *testing.T) {
	out, err := runSim(t, "--json", "--clearing", "treds")
	if err != nil {
		t.Fatalf("scfx sim --json = %v", err)
	}
	var rep sim.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("--json output does not parse: %v\n%s", err, out)
	}
	if rep.Seed != 3 || len(rep.Modes) != 1 || rep.Modes[0].Clearing != sim.TReDS || len(rep.Modes[0].Tiers) != 3 {
		t.Errorf("report = %+v, want seed 3 with the treds mode and three tiers", rep)
	}
}

func TestSimAuctionReportsItsAuctions(t *testing.T) {
	out, err := runSim(t, "--json", "--clearing", "auction")
	if err != nil {
		t.Fatalf("scfx sim --clearing auction = %v", err)
	}
	var rep sim.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("--json output does not parse: %v\n%s", err, out)
	}
	if len(rep.Modes) != 1 || rep.Modes[0].Clearing != sim.Auction || rep.Modes[0].Auction == nil || rep.Modes[0].Auction.Fills == 0 {
		t.Errorf("report = %+v, want the auction mode with its auctions' fills", rep.Modes)
	}
}

func TestSimRefusesUnknownClearing(t *testing.T) {
	if _, err := runSim(t, "--clearing", "dutch"); err == nil || !strings.Contains(err.Error(), "unknown clearing") {
		t.Fatalf("scfx sim --clearing dutch = %v, want 'unknown clearing'", err)
	}
}
