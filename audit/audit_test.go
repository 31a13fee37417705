// SPDX-License-Identifier: Apache-2.0

package audit_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/audit"
	"github.com/scfx/scfx/client"
	"github.com/scfx/scfx/demo"
	"github.com/scfx/scfx/internal/apitest"
	"github.com/scfx/scfx/ledger"
	"github.com/scfx/scfx/matcher"
	"github.com/scfx/scfx/uscc"
)

// market is the demo's market on a real server and chain, every leaf anchored, and
// an auditor's client.
func market(t *testing.T) (*apitest.Server, *client.Client) {
	t.Helper()
	srv := apitest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := demo.Run(ctx, demo.Config{URL: srv.URL, Token: srv.AdminToken, ChainRPC: srv.ChainRPC}, io.Discard); err != nil {
		t.Fatalf("demo.Run = %v", err)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		var leaves, regs int
		var cut bool
		srv.Node.View(func(m *matcher.Matcher) {
			leaves, regs = m.PendingCounts()
			_, _, cut = m.PendingCut()
		})
		if leaves == 0 && regs == 0 && !cut {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the anchorer left %d leaves pending", leaves)
		}
		time.Sleep(20 * time.Millisecond)
	}
	code, err := uscc.Make('9', '1', "110105", "MA0000777")
	if err != nil {
		t.Fatal(err)
	}
	v, err := client.New(srv.URL, srv.AdminToken).CreateParticipant(ctx, wire.CreateParticipantRequest{Name: "会计师事务所", USCC: code, Role: "auditor"})
	if err != nil {
		t.Fatal(err)
	}
	return srv, client.New(srv.URL, v.Token)
}

func dialer(rpc string) audit.DialChain {
	return func(ctx context.Context, registry common.Address) (audit.Chain, error) {
		return ledger.DialAudit(ctx, rpc, registry)
	}
}

// tampered serves a copy of the log's entries that tamper changed; the rest (head,
// proofs, matches) comes from the real server, whose own log is intact.
type tampered struct {
	audit.Server
	entries []wire.LogEntry
}

func (s *tampered) LogEntries(_ context.Context, from, to uint64) (*wire.LogEntries, error) {
	var page wire.LogEntries
	for _, e := range s.entries {
		if e.Seq >= from && e.Seq <= to {
			page.Entries = append(page.Entries, e)
		}
	}
	return &page, nil
}

func copyOf(t *testing.T, c *client.Client, size uint64) []wire.LogEntry {
	t.Helper()
	var all []wire.LogEntry
	for from := uint64(1); from <= size; {
		p, err := c.LogEntries(context.Background(), from, size)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range p.Entries {
			e.Data = bytes.Clone(e.Data)
			all = append(all, e)
		}
		from += uint64(len(p.Entries))
	}
	return all
}

// docs/audit.md: the demo market audits clean; a copy of its log with one entry
// changed, one dropped or two swapped fails, and the discrepancy names that entry.
func TestAudit(t *testing.T) {
	srv, aud := market(t)
	ctx := context.Background()
	var out strings.Builder
	rep, err := audit.Run(ctx, aud, dialer(srv.ChainRPC), &out)
	if err != nil {
		t.Fatalf("Run = %v\n%s", err, out.String())
	}
	if len(rep.Problems) > 0 || rep.Heads == 0 || rep.Batches == 0 || rep.Matches == 0 {
		t.Fatalf("Run on the demo market = %+v, want clean with heads, batches and matches checked\n%s", rep, out.String())
	}
	t.Logf("clean: %+v", rep)

	head, err := aud.LogHead(ctx, 0)
	if err != nil || len(head.Anchored) == 0 {
		t.Fatalf("LogHead = %+v, %v", head, err)
	}
	// An entry well inside the first anchored head, so a committed head covers it.
	k := head.Anchored[0].Size / 2
	renumber := func(es []wire.LogEntry) []wire.LogEntry {
		for i := range es {
			es[i].Seq = uint64(i + 1)
		}
		return es
	}
	cases := map[string]func(es []wire.LogEntry) []wire.LogEntry{
		"changed": func(es []wire.LogEntry) []wire.LogEntry {
			es[k-1].Data[len(es[k-1].Data)/2] ^= 0x01
			return es
		},
		"dropped": func(es []wire.LogEntry) []wire.LogEntry {
			return renumber(append(es[:k-1], es[k:]...))
		},
		"swapped": func(es []wire.LogEntry) []wire.LogEntry {
			es[k-1].Data, es[k].Data = es[k].Data, es[k-1].Data
			return es
		},
		"dropped, seqs kept": func(es []wire.LogEntry) []wire.LogEntry {
			return append(es[:k-1], es[k:]...)
		},
	}
	for name, tamper := range cases {
		t.Run(name, func(t *testing.T) {
			src := &tampered{Server: aud, entries: tamper(copyOf(t, aud, head.Size))}
			var out strings.Builder
			rep, err := audit.Run(ctx, src, dialer(srv.ChainRPC), &out)
			if err != nil {
				t.Fatalf("Run = %v\n%s", err, out.String())
			}
			named := false
			for _, p := range rep.Problems {
				named = named || p.Seq == k
			}
			if !named {
				t.Fatalf("Run on a copy with entry %d %s: problems %v, want one naming seq %d\n%s", k, name, rep.Problems, k, out.String())
			}
			t.Logf("%s: %v", name, rep.Problems)
		})
	}
}

// A chain that does not answer is "could not check", not a discrepancy.
func TestAuditWithoutChainCannotCheck(t *testing.T) {
	_, aud := market(t)
	_, err := audit.Run(context.Background(), aud, dialer("http://127.0.0.1:1"), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "could not check") {
		t.Fatalf("Run without a chain = %v, want ErrUnchecked", err)
	}
	_ = fmt.Sprint()
}
