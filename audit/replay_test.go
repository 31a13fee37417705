// SPDX-License-Identifier: Apache-2.0

package audit_test

import (
	"fmt"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/scfx/scfx/audit"
	"github.com/scfx/scfx/journal"
	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/node"
	"github.com/scfx/scfx/sim"
)

// withSignatureOf is es with the signature of the confirmation at es[to] replaced by
// that of the confirmation at es[from]: a signature of the right form that does not
// recover to the core for that receivable, so the matcher refuses it.
func withSignatureOf(t *testing.T, es []journal.Entry, to, from int) []journal.Entry {
	t.Helper()
	sigOf := func(i int) (matcher.Command, *matcher.Confirm) {
		cmd, err := node.EntryCommand(es[i].Data)
		if err != nil {
			t.Fatal(err)
		}
		c, ok := cmd.Payload.(*matcher.Confirm)
		if !ok {
			t.Fatalf("entry %d is a %s, not a confirmation", es[i].Seq, cmd.Payload.Kind())
		}
		return cmd, c
	}
	_, src := sigOf(from)
	cmd, dst := sigOf(to)
	dst.Signature = src.Signature
	data, err := node.EncodeEntry("test", es[to].Seq, cmd)
	if err != nil {
		t.Fatal(err)
	}
	out := append([]journal.Entry(nil), es...)
	out[to].Data = data
	return out
}

func confirmations(t *testing.T, es []journal.Entry) []int {
	t.Helper()
	var at []int
	for i, e := range es {
		if cmd, err := node.EntryCommand(e.Data); err == nil && cmd.Payload.Kind() == matcher.KindConfirm {
			at = append(at, i)
		}
	}
	return at
}

// The replay that recovers signatures on workers while it goes on ends in the
// state a node's replay (every signature recovered in line) ends in — the same
// state hash, log root and refusals — on a simulated market, and on the same market
// with one or three confirmations whose signature the matcher refuses, which it
// replays again (a pass more for each it reaches, up to 4, the last in line).
func TestReplayWithWorkersIsTheNodes(t *testing.T) {
	es := simJournal(t, sim.Config{Seed: 3, Cores: 3, SMEs: 90, Lenders: 3, Days: 20})
	conf := confirmations(t, es)
	if len(conf) < 10 {
		t.Fatalf("the simulated market has %d confirmations, want 10 or more", len(conf))
	}
	oneBad := withSignatureOf(t, es, conf[len(conf)/2], conf[0])
	threeBad := withSignatureOf(t, withSignatureOf(t, withSignatureOf(t, es, conf[3], conf[0]), conf[5], conf[1]), conf[8], conf[2])
	for _, c := range []struct {
		name   string
		es     []journal.Entry
		passes int
	}{{"clean", es, 1}, {"one refused signature", oneBad, 2}, {"three refused signatures", threeBad, 4}} {
		t.Run(c.name, func(t *testing.T) {
			inline := audit.ReplayEntries(c.es, 0)
			for _, workers := range []int{1, 2, 4} {
				par := audit.ReplayEntries(c.es, workers)
				if got, want := summary(par), summary(inline); got != want {
					t.Errorf("%d workers: %s\nin line: %s", workers, got, want)
				}
				if (c.passes == 1) != (par.Passes == 1) || par.Passes > c.passes || inline.Passes != 1 {
					t.Errorf("%d workers: %d passes (in line %d), want %d or fewer, more than 1 with a refused signature", workers, par.Passes, inline.Passes, c.passes)
				}
			}
			if c.passes > 1 && inline.M.Stats() == audit.ReplayEntries(es, 0).M.Stats() {
				t.Errorf("the refused signatures changed nothing: the test tests nothing")
			}
		})
	}
}

func summary(r *audit.Replay) string {
	return fmt.Sprintf("applied %d, state %x, root %x, stats %+v, problems %v", r.M.AppliedSeq(), r.M.StateHash(), r.Log.Head().Root, r.M.Stats(), r.Problems)
}

// TestReplayNamesEveryAnchorer: the replay lists every anchorer account the ledger
// named, in order, a rotation included, from set_ledger entries (the only ones it
// asks the ledger after) written by a node of a long name; a refused set_ledger (a
// new chain) names none.
func TestReplayNamesEveryAnchorer(t *testing.T) {
	const t0 = int64(1_790_000_000_000)
	var es []journal.Entry
	add := func(p matcher.Payload) {
		seq := uint64(len(es) + 1)
		data, err := node.EncodeEntry("node-with-a-rather-long-name-7", seq, matcher.Command{Actor: matcher.ActorSystem, Payload: p})
		if err != nil {
			t.Fatal(err)
		}
		es = append(es, journal.Entry{Seq: seq, TimeMs: t0 + int64(seq), Data: data})
	}
	ledger := func(chain uint64, anchorer string) *matcher.SetLedger {
		return &matcher.SetLedger{ChainID: chain, Registry: "0x00000000000000000000000000000000000000e1",
			Platform: fmt.Sprintf("0x%064x", 7), Anchorer: anchorer}
	}
	a, b := "0x00000000000000000000000000000000000000a1", "0x00000000000000000000000000000000000000b2"
	add(&matcher.Tick{})
	add(ledger(1337, a))
	add(&matcher.Tick{})
	add(ledger(1338, b)) // another chain: refused
	add(ledger(1337, b))
	add(&matcher.Tick{})
	r := audit.ReplayEntries(es, 0)
	if len(r.Problems) > 0 {
		t.Fatal(r.Problems)
	}
	if got := fmt.Sprint(r.Anchorers); got != fmt.Sprint([]common.Address{common.HexToAddress(a), common.HexToAddress(b)}) {
		t.Fatalf("anchorers %s", got)
	}
}
