// SPDX-License-Identifier: Apache-2.0

package matcher

import (
	"crypto/sha256"
	"crypto/sha3"
	"encoding/binary"
	"encoding/json"
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
// (LtHash: each digest expanded by SHAKE128 to 1,024 16-bit lanes, added lane by lane
// modulo 2^16), which any order of changes reaches alike and which a change updates by
// taking the element's old digest out and putting its new one in. StateHash is
// SHA-256 over the domain, the header's JSON and the lattice.
//
// Rows change in place through pointers, so a table marks every row a command reads
// (table.at, while apply runs) or adds, and StateHash re-encodes the marked rows
// only; a row changed through a pointer that did not come from the table (the book
// holds offers and listings) is marked by hand (table.mark). Maps change through
// helpers that record the change (setFingerprint, setIdem, ...). Leaves and batches
// are only appended. fullStateHash computes the same value from nothing; the tests
// compare the two after every command.

const stateHashDomain = "scfx/state-hash/v2"

const latticeLanes = 1024

// lattice is an LtHash accumulator: a sum of expanded digests, lane by lane.
type lattice [latticeLanes]uint16

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

// mapOp is one change to a map of the state, waiting for the next StateHash: the
// entry (key, value) enters (add) or leaves it. Values in the maps are never changed
// in place.
type mapOp struct {
	name string
	key  string
	val  any
	add  bool
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
	xof             *sha3.SHAKE
	buf             [2 * latticeLanes]byte
	enc             []byte
}

// elementDigest is an element's digest: SHA-256 over the domain, the element's name, its key
// and its JSON value, each of the first three length-prefixed.
func elementDigest(enc []byte, name string, key []byte, val any) ([32]byte, []byte) {
	enc = enc[:0]
	enc = appendField(enc, stateHashDomain)
	enc = appendField(enc, name)
	enc = appendField(enc, string(key))
	v, err := json.Marshal(val)
	if err != nil {
		panic("matcher: state does not encode: " + err.Error())
	}
	enc = append(enc, v...)
	return sha256.Sum256(enc), enc
}

func appendField(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func rowKey(n int) []byte { return binary.BigEndian.AppendUint64(nil, uint64(n)) }

// fold adds (or takes out) one element's digest.
func (h *stateHasher) fold(acc *lattice, d [32]byte, add bool) {
	if h.xof == nil {
		h.xof = sha3.NewSHAKE128()
	}
	h.xof.Reset()
	h.xof.Write(d[:])
	h.xof.Read(h.buf[:])
	for i := range acc {
		v := binary.LittleEndian.Uint16(h.buf[2*i:])
		if add {
			acc[i] += v
		} else {
			acc[i] -= v
		}
	}
}

func (h *stateHasher) element(acc *lattice, name string, key []byte, val any, add bool) [32]byte {
	var d [32]byte
	d, h.enc = elementDigest(h.enc, name, key, val)
	h.fold(acc, d, add)
	return d
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
		binary.LittleEndian.PutUint16(lanes[2*i:], v)
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

// foldAll adds every element of the state to acc; keep remembers the digests for
// later updates.
func (h *stateHasher) foldAll(m *Matcher, acc *lattice, keep bool) {
	for k, t := range m.rowTables() {
		n := t.len()
		digs := make([][32]byte, n)
		for i := 0; i < n; i++ {
			digs[i] = h.element(acc, t.name, rowKey(i+1), t.row(i), true)
		}
		if keep {
			h.rows[k] = digs
			t.marks.clear()
		}
	}
	for i, l := range m.s.Leaves {
		h.element(acc, elLeaves, rowKey(i+1), l, true)
	}
	for i, b := range m.s.Batches {
		h.element(acc, elBatches, rowKey(i+1), b, true)
	}
	regs := make([][32]byte, len(m.s.Regs))
	for i, r := range m.s.Regs {
		regs[i] = h.element(acc, elRegs, rowKey(i+1), r, true)
	}
	for fp, id := range m.s.Fingerprints {
		h.element(acc, elFingerprints, fingerprintKey(fp), id, true)
	}
	for k, v := range m.s.USCCs {
		h.element(acc, elUSCCs, []byte(k), v, true)
	}
	for k, v := range m.s.Salts {
		h.element(acc, elSalts, []byte(k), v, true)
	}
	for k, v := range m.s.Idem {
		h.element(acc, elIdem, []byte(k), v, true)
	}
	for k, w := range m.s.Webhooks {
		h.element(acc, elWebhooks, []byte(k), w, true)
	}
	for caller, keys := range m.s.IdemByCaller {
		for i, k := range keys {
			prev := ""
			if i > 0 {
				prev = keys[i-1]
			}
			h.element(acc, elIdemByCaller, idemLinkKey(caller, prev), k, true)
		}
	}
	if keep {
		h.leaves, h.batches, h.regs, h.regsDirty, h.ops = len(m.s.Leaves), len(m.s.Batches), regs, nil, nil
	}
}

// update folds what changed since the last call.
func (h *stateHasher) update(m *Matcher) {
	for k, t := range m.rowTables() {
		digs := h.rows[k]
		var dirty []uint32
		if t.marks != nil {
			dirty = t.marks.dirty
		}
		for _, i := range dirty {
			if int(i) >= t.len() {
				continue // marked, then not added: cannot happen, but costs nothing
			}
			for int(i) >= len(digs) {
				digs = append(digs, [32]byte{})
			}
			var d [32]byte
			d, h.enc = elementDigest(h.enc, t.name, rowKey(int(i)+1), t.row(int(i)))
			if old := digs[i]; old != d {
				if old != ([32]byte{}) {
					h.fold(&h.acc, old, false)
				}
				h.fold(&h.acc, d, true)
				digs[i] = d
			}
		}
		h.rows[k] = digs
		t.marks.clear()
	}
	for ; h.leaves < len(m.s.Leaves); h.leaves++ {
		h.element(&h.acc, elLeaves, rowKey(h.leaves+1), m.s.Leaves[h.leaves], true)
	}
	for ; h.batches < len(m.s.Batches); h.batches++ {
		h.element(&h.acc, elBatches, rowKey(h.batches+1), m.s.Batches[h.batches], true)
	}
	for len(h.regs) < len(m.s.Regs) {
		i := len(h.regs)
		h.regs = append(h.regs, h.element(&h.acc, elRegs, rowKey(i+1), m.s.Regs[i], true))
	}
	for _, i := range h.regsDirty {
		var d [32]byte
		d, h.enc = elementDigest(h.enc, elRegs, rowKey(i+1), m.s.Regs[i])
		if d != h.regs[i] {
			h.fold(&h.acc, h.regs[i], false)
			h.fold(&h.acc, d, true)
			h.regs[i] = d
		}
	}
	h.regsDirty = h.regsDirty[:0]
	for _, op := range h.ops {
		h.element(&h.acc, op.name, []byte(op.key), op.val, op.add)
	}
	clear(h.ops)
	h.ops = h.ops[:0]
}

func fingerprintKey(fp common.Hash) []byte { return []byte(fp.Hex()) }

func idemLinkKey(caller, prev string) []byte {
	return appendField(appendField(nil, caller), prev)
}

// mapChange records a change to a map for the next StateHash (under the node's write
// lock: apply's). Before the first StateHash there is nothing to update.
func (m *Matcher) mapChange(name, key string, val any, add bool) {
	if m.hs.built {
		m.hs.ops = append(m.hs.ops, mapOp{name: name, key: key, val: val, add: add})
	}
}

func (m *Matcher) setFingerprint(fp common.Hash, id string) {
	if old, ok := m.s.Fingerprints[fp]; ok {
		m.mapChange(elFingerprints, string(fingerprintKey(fp)), old, false)
	}
	m.s.Fingerprints[fp] = id
	m.mapChange(elFingerprints, string(fingerprintKey(fp)), id, true)
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
	m.mapChange(elIdemByCaller, string(idemLinkKey(caller, prev)), key, true)
	m.s.IdemByCaller[caller] = append(keys, key)
}

// idemPop drops the oldest key of caller's queue, and the queue once empty.
func (m *Matcher) idemPop(caller string) {
	keys := m.s.IdemByCaller[caller]
	if len(keys) == 0 {
		return
	}
	m.mapChange(elIdemByCaller, string(idemLinkKey(caller, "")), keys[0], false)
	if len(keys) > 1 {
		m.mapChange(elIdemByCaller, string(idemLinkKey(caller, keys[0])), keys[1], false)
		m.mapChange(elIdemByCaller, string(idemLinkKey(caller, "")), keys[1], true)
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
