// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/ethereum/go-ethereum/common"
)

// The state hash (docs/matching.md, "State hash") is kept up to date as the state
// changes rather than computed from a full encoding of it. The state is a set of
// elements — every row of every table, every leaf, batch and registration, every entry
// of the fingerprint, USCC, salt and idempotency maps, and every link of each
// caller's queue of idempotency keys — plus a small header (counters, ledger, anchoring
// and registration progress, book modes). Each element has a digest, SHA-256 over
// its name, its key and its JSON encoding; the digests are summed in a lattice hash
// (LtHash: each digest expanded to 1,024 16-bit lanes by AES-256 in counter mode keyed
// by the digest, added lane by lane modulo 2^16), which any order of changes reaches
// alike and which a change updates by taking the element's old digest out and putting
// its new one in. StateHash is SHA-256 over the domain, the header's JSON and the
// lattice.
//
// Rows change in place through pointers, so a table marks every row a command reads
// (table.at, while apply runs) or adds, and StateHash re-encodes the marked rows
// only; a row changed through a pointer that did not come from the table (the book
// holds offers and listings) is marked by hand (table.mark). Maps change through
// helpers that record the change (setFingerprint, setIdem, ...). Leaves and batches
// are only appended. fullStateHash computes the same value from nothing; the tests
// compare the two after every command. Many pending elements (a hash read after
// thousands of commands, or of a whole restored state) are digested and folded on
// one goroutine per CPU, each into a lattice of its own, summed at the end.

const stateHashDomain = "scfx/state-hash/v3"

const latticeLanes = 1024

// lattice is an LtHash accumulator: a sum of expanded digests, lane by lane. Lane i
// is bits 16·(i mod 4) and up of word i/4, so that the words written little-endian
// are the lanes written little-endian, and four lanes are added at once (addLanes).
type lattice [latticeLanes / 4]uint64

// element kinds: the names hashed into element digests (fixed: they define the hash).
const (
	elClusters     = "clusters"
	elParticipants = "participants"
	elReceivables  = "receivables"
	elListings     = "listings"
	elOffers       = "offers"
	elMatches      = "matches"
	elLeaves       = "leaves"
	elBatches      = "batches"
	elRegs         = "regs"
	elFingerprints = "fingerprints"
	elUSCCs        = "usccs"
	elSalts        = "salts"
	elIdem         = "idem"
	elIdemByCaller = "idem_by_caller"
	elWebhooks     = "webhooks"
)

// Changes to the maps wait for the next StateHash in one of two ways. The
// fingerprint, USCC and salt maps only grow (an entry is at most replaced, by a
// command that adds a row or a leaf too), so their changes are a list (mapOp), which grows no
// faster than the state. Idempotency records, the links of their queues and webhooks
// are made and dropped all the time: a node that never reads its hash (a replica
// that anchors nothing) would keep every record ever made in a list. Their changes
// are one delta an entry (mapDelta), however often it changed, and none for an entry
// made and dropped between two reads: what waits is bounded by the entries held at
// the last read and now.

// mapOp is one change to a map that only grows, waiting for the next StateHash: the
// entry (key, value) enters (add) or leaves it. Values in the maps are never changed
// in place.
type mapOp struct {
	name string
	key  string
	val  any
	add  bool
}

// mapKey names an entry of a map that churns (or a link of an idempotency queue).
type mapKey struct{ name, key string }

// mapDelta is what happened to one entry of a map that churns since the last
// StateHash: its value then (was, if it had one) and now (is, if it has one). Values
// are never changed in place, so the two are all the next read needs: it takes was's
// digest out and puts is's in.
type mapDelta struct {
	was, is  any
	had, has bool
}

// stateHasher keeps the lattice of the matcher's state. Its lock lets readers, who
// hold the node's read lock together, fold the pending changes one at a time; apply
// records changes without it, under the node's write lock.
type stateHasher struct {
	mu    sync.Mutex
	built bool // the lattice covers the state but for what is pending
	acc   lattice
	rows  [6][][32]byte // each table row's digest as folded, by row number - 1
	// leaves and batches folded; registrations' digests as folded
	leaves, batches int
	regs            [][32]byte
	regsDirty       []int
	ops             []mapOp
	churn           map[mapKey]mapDelta
	churnPeak       int       // the most deltas churn held since it was last empty
	jobs            []hashJob // the elements a read folds (kept for their room)
	folders         []*folder // one a goroutine that folds
}

// hashJob is one element to fold: its digest is added (add), or, with slot, put in
// place of the digest slot holds (the element as last folded; zero: none).
type hashJob struct {
	name  string
	key   string // the key, unless byNum
	num   uint64 // the key when byNum: 8 bytes big-endian
	byNum bool
	add   bool
	val   any
	slot  *[32]byte
}

// folder digests and folds elements into a lattice of its own.
type folder struct {
	acc lattice
	enc bytes.Buffer
	je  *json.Encoder
	buf [2 * latticeLanes]byte
}

func newFolder() *folder {
	f := &folder{}
	f.je = json.NewEncoder(&f.enc)
	return f
}

// digest is the digest of the job's element: SHA-256 over the domain, the element's
// name, its key and its JSON value, each of the first three length-prefixed.
func (f *folder) digest(j *hashJob) [32]byte {
	b := appendField(f.buf[:0], stateHashDomain)
	b = appendField(b, j.name)
	if j.byNum {
		b = append(b, 8)
		b = binary.BigEndian.AppendUint64(b, j.num)
	} else {
		b = appendField(b, j.key)
	}
	f.enc.Reset()
	f.enc.Write(b)
	// Encode is Marshal's encoding and a newline, left out of the digest.
	if err := f.je.Encode(j.val); err != nil {
		panic("matcher: state does not encode: " + err.Error())
	}
	e := f.enc.Bytes()
	return sha256.Sum256(e[:len(e)-1])
}

func (f *folder) run(j *hashJob) {
	d := f.digest(j)
	if j.slot == nil {
		f.fold(d, j.add)
		return
	}
	old := *j.slot
	if old == d {
		return
	}
	if old != ([32]byte{}) {
		f.fold(old, false)
	}
	f.fold(d, true)
	*j.slot = d
}

func appendField(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// expand is a digest's 2,048 bytes of lanes: the key stream of AES-256 in counter
// mode (NIST SP 800-38A, the counter block from 0 and incremented as one 128-bit
// big-endian integer) keyed by the digest.
func expand(d [32]byte, out *[2 * latticeLanes]byte) {
	b, err := aes.NewCipher(d[:])
	if err != nil {
		panic("matcher: AES-256: " + err.Error())
	}
	var iv [aes.BlockSize]byte
	clear(out[:])
	cipher.NewCTR(b, iv[:]).XORKeyStream(out[:], out[:])
}

// fold adds (or takes out) one element's digest.
func (f *folder) fold(d [32]byte, add bool) {
	expand(d, &f.buf)
	addLanes(&f.acc, &f.buf, add)
}

// laneHigh is the top bit of each of a word's four lanes.
const laneHigh = 0x8000_8000_8000_8000

// addLanes adds (or subtracts) the lanes in b to acc's, each modulo 2^16: four at
// a time, the top bit of each lane apart so that no carry or borrow crosses lanes.
func addLanes(acc *lattice, b *[2 * latticeLanes]byte, add bool) {
	if add {
		for i := range acc {
			x, y := acc[i], binary.LittleEndian.Uint64(b[8*i:])
			acc[i] = ((x &^ laneHigh) + (y &^ laneHigh)) ^ ((x ^ y) & laneHigh)
		}
		return
	}
	for i := range acc {
		x, y := acc[i], binary.LittleEndian.Uint64(b[8*i:])
		acc[i] = ((x | laneHigh) - (y &^ laneHigh)) ^ ((x ^ ^y) & laneHigh)
	}
}

// addLattice adds b's lanes to acc's.
func addLattice(acc, b *lattice) {
	for i := range acc {
		x, y := acc[i], b[i]
		acc[i] = ((x &^ laneHigh) + (y &^ laneHigh)) ^ ((x ^ y) & laneHigh)
	}
}

// foldParallelFrom is how many elements make a read fold on every CPU; below, the
// goroutines cost more than they save.
const foldParallelFrom = 256

// runJobs folds the jobs into acc, on one goroutine per CPU when they are many.
func (h *stateHasher) runJobs(acc *lattice, jobs []hashJob) {
	workers := min(runtime.GOMAXPROCS(0), len(jobs)/(foldParallelFrom/2))
	for len(h.folders) < max(workers, 1) {
		h.folders = append(h.folders, newFolder())
	}
	if workers <= 1 {
		f := h.folders[0]
		f.acc = lattice{}
		for i := range jobs {
			f.run(&jobs[i])
		}
		addLattice(acc, &f.acc)
		return
	}
	var wg sync.WaitGroup
	per := (len(jobs) + workers - 1) / workers
	for w := range workers {
		f, part := h.folders[w], jobs[w*per:min(len(jobs), (w+1)*per)]
		f.acc = lattice{}
		wg.Go(func() {
			for i := range part {
				f.run(&part[i])
			}
		})
	}
	wg.Wait()
	for _, f := range h.folders[:workers] {
		addLattice(acc, &f.acc)
	}
}

// stateHeader is the part of the state hashed whole: small and fixed in size, but
// for the book modes, one per core in auction mode.
type stateHeader struct {
	Counters  counters          `json:"counters"`
	Ledger    *LedgerConfig     `json:"ledger"`
	Anchored  uint64            `json:"anchored"`
	Cut       *Cut              `json:"cut,omitempty"`
	RegsDone  uint64            `json:"regs_done"`
	BookModes map[string]string `json:"book_modes,omitempty"`
	// WebhookSeq numbers webhooks (webhooks.go); 0 before the first.
	WebhookSeq uint64 `json:"webhook_seq,omitempty"`
}

func (h *stateHasher) sum(m *Matcher, acc *lattice) [32]byte {
	hd, err := json.Marshal(stateHeader{Counters: m.s.Counters, Ledger: m.s.Ledger, Anchored: m.s.Anchored,
		Cut: m.s.Cut, RegsDone: m.s.RegsDone, BookModes: m.s.BookModes, WebhookSeq: m.s.WebhookSeq})
	if err != nil {
		panic("matcher: state does not encode: " + err.Error())
	}
	x := sha256.New()
	x.Write([]byte(stateHashDomain))
	x.Write(hd)
	var lanes [2 * latticeLanes]byte
	for i, v := range acc {
		binary.LittleEndian.PutUint64(lanes[8*i:], v)
	}
	x.Write(lanes[:])
	var out [32]byte
	x.Sum(out[:0])
	return out
}

// rowTables lists the tables with their element names, in a fixed order.
func (m *Matcher) rowTables() [6]rowTable {
	return [6]rowTable{
		tableOf(&m.s.Clusters, elClusters), tableOf(&m.s.Participants, elParticipants),
		tableOf(&m.s.Receivables, elReceivables), tableOf(&m.s.Listings, elListings),
		tableOf(&m.s.Offers, elOffers), tableOf(&m.s.Matches, elMatches),
	}
}

// rowTable is a table seen without its type.
type rowTable struct {
	name  string
	len   func() int
	row   func(i int) any
	marks *rowMarks
}

func tableOf[T any](t *table[T], name string) rowTable {
	return rowTable{name: name, len: t.len, row: func(i int) any { return t.rows[i] }, marks: t.marks}
}

// StateHash is the state hash of docs/matching.md ("State hash"): the applied
// sequence and the clock are left out, so a rejected command changes neither the
// state nor its hash. It folds what changed since the last call: its cost is that of
// the changes, not of the state.
func (m *Matcher) StateHash() [32]byte {
	h := &m.hs
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.built {
		h.build(m)
	} else {
		h.update(m)
	}
	return h.sum(m, &h.acc)
}

// FoldStateHash folds up to max of the changes waiting for the next StateHash and
// says how many still wait (max 0: only count them). A node calls it under its write
// lock when idle, a little at a time, so that the first read after a busy spell
// (GET /v1/node, an anchor cut) does not fold all of it under the read lock. Before
// the first StateHash nothing waits: that read folds the whole state.
func (m *Matcher) FoldStateHash(max int) (left int) {
	h := &m.hs
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.built {
		return 0
	}
	if max <= 0 {
		return h.pending(m)
	}
	return h.foldSome(m, max)
}

// fullStateHash computes the state hash from the whole state, without the running
// lattice: what StateHash must always equal.
func (m *Matcher) fullStateHash() [32]byte {
	var h stateHasher
	var acc lattice
	h.foldAll(m, &acc, false)
	return h.sum(m, &acc)
}

func (h *stateHasher) build(m *Matcher) {
	h.acc = lattice{}
	h.foldAll(m, &h.acc, true)
	h.built = true
}

func rowJob(name string, n int, val any, slot *[32]byte) hashJob {
	return hashJob{name: name, num: uint64(n), byNum: true, val: val, slot: slot, add: true}
}

func keyJob(name, key string, val any, add bool) hashJob {
	return hashJob{name: name, key: key, val: val, add: add}
}

// foldAll adds every element of the state to acc; keep remembers the digests for
// later updates.
func (h *stateHasher) foldAll(m *Matcher, acc *lattice, keep bool) {
	jobs := h.jobs[:0]
	var rows [6][][32]byte
	for k, t := range m.rowTables() {
		n := t.len()
		rows[k] = make([][32]byte, n)
		for i := 0; i < n; i++ {
			jobs = append(jobs, rowJob(t.name, i+1, t.row(i), &rows[k][i]))
		}
	}
	for i, l := range m.s.Leaves {
		jobs = append(jobs, rowJob(elLeaves, i+1, l, nil))
	}
	for i, b := range m.s.Batches {
		jobs = append(jobs, rowJob(elBatches, i+1, b, nil))
	}
	regs := make([][32]byte, len(m.s.Regs))
	for i, r := range m.s.Regs {
		jobs = append(jobs, rowJob(elRegs, i+1, r, &regs[i]))
	}
	for fp, id := range m.s.Fingerprints {
		jobs = append(jobs, keyJob(elFingerprints, fingerprintKey(fp), id, true))
	}
	for k, v := range m.s.USCCs {
		jobs = append(jobs, keyJob(elUSCCs, k, v, true))
	}
	for k, v := range m.s.Salts {
		jobs = append(jobs, keyJob(elSalts, k, v, true))
	}
	for k, v := range m.s.Idem {
		jobs = append(jobs, keyJob(elIdem, k, v, true))
	}
	for k, w := range m.s.Webhooks {
		jobs = append(jobs, keyJob(elWebhooks, k, w, true))
	}
	for caller, keys := range m.s.IdemByCaller {
		for i, k := range keys {
			prev := ""
			if i > 0 {
				prev = keys[i-1]
			}
			jobs = append(jobs, keyJob(elIdemByCaller, idemLinkKey(caller, prev), k, true))
		}
	}
	h.runJobs(acc, jobs)
	h.jobs = clearJobs(jobs)
	if keep {
		for _, t := range m.rowTables() {
			t.marks.clear()
		}
		h.rows = rows
		h.leaves, h.batches, h.regs, h.regsDirty, h.ops, h.churn, h.churnPeak = len(m.s.Leaves), len(m.s.Batches), regs, nil, nil, nil, 0
	}
}

// clearJobs empties jobs, dropping what they point to, and keeps its room.
func clearJobs(jobs []hashJob) []hashJob {
	clear(jobs)
	return jobs[:0]
}

// update folds what changed since the last call.
func (h *stateHasher) update(m *Matcher) { h.foldSome(m, math.MaxInt) }

// foldSome folds up to max of the changes waiting for the next read, and says how
// many still wait. Folding in parts reaches the same
// lattice: an element's digest goes in (and its old one out) once, whenever.
func (h *stateHasher) foldSome(m *Matcher, max int) (left int) {
	jobs := h.jobs[:0]
	budget := max
	tables := m.rowTables()
	for k, t := range tables {
		if t.marks == nil {
			continue
		}
		// The rows marked last are taken first: what is left stays marked.
		take := min(budget, len(t.marks.dirty))
		part := t.marks.dirty[len(t.marks.dirty)-take:]
		budget -= take
		digs := h.rows[k]
		for _, i := range part {
			if int(i) >= len(digs) && int(i) < t.len() {
				digs = append(digs, make([][32]byte, int(i)+1-len(digs))...)
			}
		}
		h.rows[k] = digs
		for _, i := range part {
			t.marks.marked[i] = false
			if int(i) >= t.len() {
				continue // marked, then not added: cannot happen, but costs nothing
			}
			jobs = append(jobs, rowJob(t.name, int(i)+1, t.row(int(i)), &digs[i]))
		}
		t.marks.dirty = t.marks.dirty[:len(t.marks.dirty)-take]
	}
	for ; h.leaves < len(m.s.Leaves) && budget > 0; h.leaves++ {
		jobs = append(jobs, rowJob(elLeaves, h.leaves+1, m.s.Leaves[h.leaves], nil))
		budget--
	}
	for ; h.batches < len(m.s.Batches) && budget > 0; h.batches++ {
		jobs = append(jobs, rowJob(elBatches, h.batches+1, m.s.Batches[h.batches], nil))
		budget--
	}
	// Registrations: the new ones, then those changed in place since they were folded
	// (each once). A registration new since the last fold is hashed as new, whatever
	// changed it since: its place in regsDirty is dropped.
	regsBefore := len(h.regs)
	newRegs := min(budget, len(m.s.Regs)-regsBefore)
	h.regs = append(h.regs, make([][32]byte, newRegs)...) // the slots, before pointing at them
	for i := regsBefore; i < len(h.regs); i++ {
		jobs = append(jobs, rowJob(elRegs, i+1, m.s.Regs[i], &h.regs[i]))
	}
	budget -= newRegs
	slices.Sort(h.regsDirty)
	dirty := slices.Compact(h.regsDirty)
	kept := dirty[:0]
	for _, i := range dirty {
		switch {
		case i >= regsBefore:
		case budget > 0:
			jobs = append(jobs, rowJob(elRegs, i+1, m.s.Regs[i], &h.regs[i]))
			budget--
		default:
			kept = append(kept, i)
		}
	}
	h.regsDirty = kept
	take := min(budget, len(h.ops))
	for _, op := range h.ops[len(h.ops)-take:] {
		jobs = append(jobs, keyJob(op.name, op.key, op.val, op.add))
	}
	clear(h.ops[len(h.ops)-take:])
	h.ops = h.ops[:len(h.ops)-take]
	budget -= take
	for k, d := range h.churn {
		if budget <= 0 {
			break
		}
		if d.had {
			jobs = append(jobs, keyJob(k.name, k.key, d.was, false))
		}
		if d.has {
			jobs = append(jobs, keyJob(k.name, k.key, d.is, true))
		}
		delete(h.churn, k)
		budget--
	}
	h.runJobs(&h.acc, jobs)
	h.jobs = clearJobs(jobs)
	if len(h.churn) == 0 {
		if h.churnPeak > churnKeptMax {
			h.churn = nil // a map never shrinks: let a big one go
		}
		h.churnPeak = 0
	}
	return h.pending(m)
}

// churnKeptMax is how many deltas an emptied map of them keeps room for.
const churnKeptMax = 4096

// pending is how many changes wait for the next read, about: a registration marked
// twice counts twice.
func (h *stateHasher) pending(m *Matcher) int {
	n := len(h.ops) + len(h.churn) + len(m.s.Leaves) - h.leaves + len(m.s.Batches) - h.batches +
		len(m.s.Regs) - len(h.regs) + len(h.regsDirty)
	for _, t := range m.rowTables() {
		if t.marks != nil {
			n += len(t.marks.dirty)
		}
	}
	return n
}

func fingerprintKey(fp common.Hash) string { return fp.Hex() }

func idemLinkKey(caller, prev string) string {
	return string(appendField(appendField(nil, caller), prev))
}

// mapChange records for the next StateHash (under the node's write lock: apply's)
// that the entry (key, val) of a map enters it (add) or leaves it. Before the first
// StateHash there is nothing to update.
func (m *Matcher) mapChange(name, key string, val any, add bool) {
	h := &m.hs
	if !h.built {
		return
	}
	switch name {
	case elIdem, elIdemByCaller, elWebhooks:
		h.churnChange(name, key, val, add)
	default:
		h.ops = append(h.ops, mapOp{name: name, key: key, val: val, add: add})
	}
}

// churnChange is mapChange for a map that churns. An entry's first change since the
// last read tells what it was then: val if it leaves, nothing if it enters. That holds
// because the helpers below take an entry's old value out before they put a new one
// in, but for idemPush, which only enters the link (caller, last key): that link
// cannot be there already, since a caller's queue never holds a key twice (apply
// answers a known key from its record instead of remembering it again).
func (h *stateHasher) churnChange(name, key string, val any, add bool) {
	k := mapKey{name, key}
	d, changed := h.churn[k]
	if !changed && !add {
		d.had, d.was = true, val
	}
	d.has, d.is = add, nil
	if add {
		d.is = val
	}
	if !d.had && !d.has {
		delete(h.churn, k) // made and dropped since the last read: nothing to fold
		return
	}
	if h.churn == nil {
		h.churn = map[mapKey]mapDelta{}
	}
	h.churn[k] = d
	h.churnPeak = max(h.churnPeak, len(h.churn))
}

func (m *Matcher) setFingerprint(fp common.Hash, id string) {
	if old, ok := m.s.Fingerprints[fp]; ok {
		m.mapChange(elFingerprints, fingerprintKey(fp), old, false)
	}
	m.s.Fingerprints[fp] = id
	m.mapChange(elFingerprints, fingerprintKey(fp), id, true)
}

func (m *Matcher) setUSCC(uscc, id string) {
	if old, ok := m.s.USCCs[uscc]; ok {
		m.mapChange(elUSCCs, uscc, old, false)
	}
	m.s.USCCs[uscc] = id
	m.mapChange(elUSCCs, uscc, id, true)
}

func (m *Matcher) setSalt(key string) {
	if old, ok := m.s.Salts[key]; ok {
		m.mapChange(elSalts, key, old, false)
	}
	m.s.Salts[key] = true
	m.mapChange(elSalts, key, true, true)
}

func (m *Matcher) setIdem(key string, rec *idemRecord) {
	if old, ok := m.s.Idem[key]; ok {
		m.mapChange(elIdem, key, old, false)
	}
	m.s.Idem[key] = rec
	m.mapChange(elIdem, key, rec, true)
}

// setWebhook puts w under its id, in place of the webhook there (a new value: the
// maps' values are never changed in place).
func (m *Matcher) setWebhook(w *Webhook) {
	if m.s.Webhooks == nil {
		m.s.Webhooks = map[string]*Webhook{}
	}
	if old, ok := m.s.Webhooks[w.ID]; ok {
		m.mapChange(elWebhooks, w.ID, old, false)
	}
	m.s.Webhooks[w.ID] = w
	m.mapChange(elWebhooks, w.ID, w, true)
}

func (m *Matcher) removeWebhook(id string) {
	if old, ok := m.s.Webhooks[id]; ok {
		m.mapChange(elWebhooks, id, old, false)
		delete(m.s.Webhooks, id)
	}
}

func (m *Matcher) deleteIdem(key string) {
	if old, ok := m.s.Idem[key]; ok {
		m.mapChange(elIdem, key, old, false)
		delete(m.s.Idem, key)
	}
}

// A caller's queue of idempotency keys is hashed as its links — (caller, previous key
// or "" for the oldest) → key — so that appending a key or dropping the oldest changes
// one or three links, not the whole queue.

// idemPush appends key to caller's queue.
func (m *Matcher) idemPush(caller, key string) {
	keys := m.s.IdemByCaller[caller]
	prev := ""
	if len(keys) > 0 {
		prev = keys[len(keys)-1]
	}
	m.mapChange(elIdemByCaller, (idemLinkKey(caller, prev)), key, true)
	m.s.IdemByCaller[caller] = append(keys, key)
}

// idemPop drops the oldest key of caller's queue, and the queue once empty.
func (m *Matcher) idemPop(caller string) {
	keys := m.s.IdemByCaller[caller]
	if len(keys) == 0 {
		return
	}
	m.mapChange(elIdemByCaller, (idemLinkKey(caller, "")), keys[0], false)
	if len(keys) > 1 {
		m.mapChange(elIdemByCaller, (idemLinkKey(caller, keys[0])), keys[1], false)
		m.mapChange(elIdemByCaller, (idemLinkKey(caller, "")), keys[1], true)
	}
	if keys = keys[1:]; len(keys) == 0 {
		delete(m.s.IdemByCaller, caller)
	} else {
		m.s.IdemByCaller[caller] = keys
	}
}

// markReg: registration i (from 0) changed in place.
func (m *Matcher) markReg(i int) {
	if m.hs.built {
		m.hs.regsDirty = append(m.hs.regsDirty, i)
	}
}
