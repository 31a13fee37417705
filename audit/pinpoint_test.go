// SPDX-License-Identifier: Apache-2.0

package audit

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/translog"
)

// provingServer proves the anchored log (its leaves) and counts the proofs asked.
type provingServer struct {
	Server
	log           *translog.Log
	consistencies int
	inclusions    int
}

func hexes(hs []translog.Hash) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = common.Hash(h).Hex()
	}
	return out
}

func (s *provingServer) LogConsistency(_ context.Context, old, size uint64) (*wire.LogConsistency, error) {
	s.consistencies++
	p, err := s.log.ProveConsistency(old, size)
	if err != nil {
		return nil, err
	}
	return &wire.LogConsistency{Old: old, New: size, Proof: hexes(p)}, nil
}

func (s *provingServer) LogInclusion(_ context.Context, seq, size uint64) (*wire.LogInclusion, error) {
	s.inclusions++
	p, err := s.log.ProveInclusion(seq, size)
	if err != nil {
		return nil, err
	}
	leaf, err := s.log.Leaf(seq)
	if err != nil {
		return nil, err
	}
	return &wire.LogInclusion{Seq: seq, Size: size, Leaf: common.Hash(leaf).Hex(), Proof: hexes(p)}, nil
}

// pinpoint names an entry changed, dropped or swapped anywhere in a range of
// 50,000 suspects — past the 10,000 inclusion proofs it used to ask one by one —
// in about 17 consistency proofs and one inclusion proof.
func TestPinpointBisects(t *testing.T) {
	const n, k = 50_000, 37_123
	leaf := func(i uint64) translog.Hash {
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], i)
		return translog.Hash(sha256.Sum256(b[:]))
	}
	anchored := translog.New()
	for i := uint64(1); i <= n; i++ {
		if err := anchored.Append(leaf(i)); err != nil {
			t.Fatal(err)
		}
	}
	root, err := anchored.Root(n)
	if err != nil {
		t.Fatal(err)
	}
	for name, read := range map[string]func(i uint64) translog.Hash{
		"changed": func(i uint64) translog.Hash {
			if i == k {
				return leaf(0)
			}
			return leaf(i)
		},
		"dropped": func(i uint64) translog.Hash {
			if i >= k {
				return leaf(i + 1)
			}
			return leaf(i)
		},
		"swapped": func(i uint64) translog.Hash {
			switch i {
			case k:
				return leaf(k + 1)
			case k + 1:
				return leaf(k)
			}
			return leaf(i)
		},
	} {
		t.Run(name, func(t *testing.T) {
			ours := translog.New()
			for i := uint64(1); i <= n; i++ {
				if err := ours.Append(read(i)); err != nil {
					t.Fatal(err)
				}
			}
			srv := &provingServer{log: anchored}
			rep := &Report{}
			rep.pinpoint(context.Background(), srv, &Replay{Log: ours, Bad: &BadRange{From: 1, Size: n, Root: common.Hash(root)}})
			if len(rep.Problems) != 1 || rep.Problems[0].Seq != k {
				t.Fatalf("pinpoint = %v, want entry %d named", rep.Problems, k)
			}
			if srv.consistencies > 17 || srv.inclusions != 1 {
				t.Fatalf("pinpoint asked %d consistency and %d inclusion proofs, want at most 17 and 1", srv.consistencies, srv.inclusions)
			}
		})
	}
}
