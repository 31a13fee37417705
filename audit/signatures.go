// SPDX-License-Identifier: Apache-2.0

package audit

import (
	"sync"

	"github.com/ethereum/go-ethereum/common"

	"github.com/scfx/scfx/eip712"
	"github.com/scfx/scfx/matcher"
)

// sigPool recovers signatures on its workers while the replay goes on as if each
// were good. A signature recovery costs more CPU than the rest of an entry's replay
// (docs/benchmarks.md "Audit"), and does not depend on the state once the matcher has
// computed the digest: the matcher asks, the pool answers "good" at once and checks
// on another core. The first entry whose signature was not good is what close
// reports; the replay from there on is not the node's and is replayed again.
type sigPool struct {
	batch []sigJob
	jobs  chan []sigJob
	wg    sync.WaitGroup
	mu    sync.Mutex
	bad   uint64 // the first seq whose signature did not recover to its signer
}

type sigJob struct {
	seq    uint64
	digest common.Hash
	sig    []byte // the matcher's, which it does not change
	want   common.Address
}

// sigBatch is how many signatures go to a worker at once: fewer hand-offs.
const sigBatch = 64

func newSigPool(workers int) *sigPool {
	p := &sigPool{jobs: make(chan []sigJob, 4*workers), batch: make([]sigJob, 0, sigBatch)}
	for range workers {
		p.wg.Add(1)
		go p.work()
	}
	return p
}

// assume is the check the matcher makes in the replay: a signature of the wrong
// form is refused at once, as RecoverCheck would; any other is taken as good and
// recovered on a worker.
func (p *sigPool) assume(seq uint64, digest common.Hash, sig []byte, want common.Address) bool {
	if eip712.CheckSignatureForm(sig) != nil {
		return false
	}
	p.batch = append(p.batch, sigJob{seq: seq, digest: digest, sig: sig, want: want})
	if len(p.batch) == sigBatch {
		p.jobs <- p.batch
		p.batch = make([]sigJob, 0, sigBatch)
	}
	return true
}

func (p *sigPool) work() {
	defer p.wg.Done()
	for jobs := range p.jobs {
		for _, j := range jobs {
			if !matcher.RecoverCheck(j.digest, j.sig, j.want) {
				p.failed(j.seq)
			}
		}
	}
}

func (p *sigPool) failed(seq uint64) {
	p.mu.Lock()
	if p.bad == 0 || seq < p.bad {
		p.bad = seq
	}
	p.mu.Unlock()
}

// close waits for every signature handed over: the first seq whose signature was
// not its signer's, or 0.
func (p *sigPool) close() uint64 {
	if len(p.batch) > 0 {
		p.jobs <- p.batch
		p.batch = nil
	}
	close(p.jobs)
	p.wg.Wait()
	return p.bad
}
