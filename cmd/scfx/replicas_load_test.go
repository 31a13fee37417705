// SPDX-License-Identifier: Apache-2.0

package main

// The random market load of the distributed-mode process tests (replicas_test.go):
// workers that onboard participants, post invoices, confirm and transfer them with
// real EIP-712 signatures, post offers and list, round robin over the replicas, and
// remember every object a replica acknowledged.

import (
	"bytes"
	"crypto/ecdsa"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/client"
	"github.com/scfx/scfx/uscc"
)

// party is a participant the load made, with its token and (SMEs and cores) its key.
type party struct {
	id, token string
	key       *ecdsa.PrivateKey
	addr      common.Address
}

// rcvRef is a receivable the load made and who may act on it.
type rcvRef struct {
	id             string
	holder, debtor *party
	fragment       bool // made by a transfer: its leaf is a transfer, not a confirmation
}

// acked is an object some replica acknowledged with a 2xx: the path to read it and a
// token of a party that may ("" : the operator's only).
type acked struct {
	path, token string
}

// loadMarket is what the load built, shared by its workers.
type loadMarket struct {
	prefix string

	mu        sync.Mutex
	n         int // USCCs and invoice numbers made
	clusters  []string
	cores     []*party
	smes      []*party
	lenders   []*party
	pending   []*rcvRef // waiting for a confirmation
	confirmed []*rcvRef // confirmed or fragments: financeable once anchored
	listed    []*rcvRef
	acks      []acked
	statuses  map[string]map[int]int // op → HTTP status → count
	bad       []string               // answers the test does not accept
	allow503  bool                   // the journal may be down: 503 unavailable is an answer
}

func newLoadMarket() *loadMarket {
	return &loadMarket{prefix: runPrefix(), statuses: map[string]map[int]int{}}
}

func (mk *loadMarket) next() int {
	mk.mu.Lock()
	defer mk.mu.Unlock()
	mk.n++
	return mk.n
}

func (mk *loadMarket) ack(a acked) {
	mk.mu.Lock()
	mk.acks = append(mk.acks, a)
	mk.mu.Unlock()
}

// note records the answer of op; an answer outside ok (and 503 unavailable when
// allowed, and a transport error from a replica that is being killed) is bad.
func (mk *loadMarket) note(r *replica, op string, status int, raw []byte, err error, ok ...int) bool {
	mk.mu.Lock()
	defer mk.mu.Unlock()
	if mk.statuses[op] == nil {
		mk.statuses[op] = map[int]int{}
	}
	mk.statuses[op][status]++
	switch {
	case err != nil && !r.up.Load():
		return false // killed under the request
	case err != nil:
		mk.bad = append(mk.bad, fmt.Sprintf("%s on %s: %v", op, r.id, err))
	case slices.Contains(ok, status):
		return true
	case status == http.StatusServiceUnavailable && mk.allow503 && problemCode(raw) == "unavailable":
	default:
		mk.bad = append(mk.bad, fmt.Sprintf("%s on %s = %d %.300s", op, r.id, status, raw))
	}
	return false
}

func (mk *loadMarket) badAnswers() []string {
	mk.mu.Lock()
	defer mk.mu.Unlock()
	return slices.Clone(mk.bad)
}

func (mk *loadMarket) summary() string {
	mk.mu.Lock()
	defer mk.mu.Unlock()
	ops := make([]string, 0, len(mk.statuses))
	for op := range mk.statuses {
		ops = append(ops, op)
	}
	slices.Sort(ops)
	var b strings.Builder
	for _, op := range ops {
		fmt.Fprintf(&b, " %s=%v", op, mk.statuses[op])
	}
	return strings.TrimSpace(b.String())
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

// take removes and returns a random element of *xs (nil when empty).
func take(rng *rand.Rand, xs *[]*rcvRef) *rcvRef {
	if len(*xs) == 0 {
		return nil
	}
	i := rng.IntN(len(*xs))
	x := (*xs)[i]
	*xs = slices.Delete(*xs, i, i+1)
	return x
}

func (mk *loadMarket) uscc() (string, string, error) {
	n := mk.next()
	code, err := uscc.Make('9', '1', "330100", fmt.Sprintf("%s%05d", mk.prefix, n))
	return code, fmt.Sprintf("企业 %s %d", mk.prefix, n), err
}

// setup makes the first cluster, cores, SMEs and lenders through r.
func (mk *loadMarket) setup(r *replica, rng *rand.Rand) {
	t := r.pf.t
	t.Helper()
	mk.cluster(r, rng)
	for range 2 {
		mk.participant(r, rng, "core")
		mk.participant(r, rng, "sme")
		mk.participant(r, rng, "lender")
	}
	mk.participant(r, rng, "sme")
	if bad := mk.badAnswers(); len(bad) > 0 {
		t.Fatalf("setup: %v", bad)
	}
}

func (mk *loadMarket) cluster(r *replica, rng *rand.Rand) {
	status, raw, err := r.call("POST", "/v1/clusters", replicaAdmin, wire.CreateClusterRequest{
		Name: "集群 " + mk.prefix, CountyCode: "330206", Level: pick(rng, []string{"national", "provincial"}),
		Industry: "汽车零部件", ValidUntil: day(3 * 365),
	})
	if !mk.note(r, "cluster", status, raw, err, http.StatusCreated) {
		return
	}
	id := jsonID(raw)
	mk.mu.Lock()
	mk.clusters = append(mk.clusters, id)
	mk.mu.Unlock()
	mk.ack(acked{"/v1/clusters/" + id, ""})
}

func (mk *loadMarket) participant(r *replica, rng *rand.Rand, role string) {
	code, name, err := mk.uscc()
	if err != nil {
		panic(err) // a body of 8 characters of the alphabet always makes a USCC
	}
	body := wire.CreateParticipantRequest{Role: role, USCC: code, Name: name}
	var key *ecdsa.PrivateKey
	if role != "lender" {
		if key, err = crypto.GenerateKey(); err != nil {
			panic(err)
		}
		body.Address = crypto.PubkeyToAddress(key.PublicKey).Hex()
	}
	mk.mu.Lock()
	switch role {
	case "core":
		body.Rating = pick(rng, []string{"AAA", "AA+", "AA", "A"})
	case "sme":
		if len(mk.clusters) > 0 && rng.IntN(3) > 0 {
			body.ClusterID = pick(rng, mk.clusters)
			body.Certification = pick(rng, []string{"none", "innovative", "specialized", "little_giant"})
			body.CertificationValidUntil = day(2 * 365)
		}
	}
	mk.mu.Unlock()
	status, raw, err := r.call("POST", "/v1/participants", replicaAdmin, body)
	if !mk.note(r, "participant", status, raw, err, http.StatusCreated) {
		return
	}
	var v wire.Participant
	_ = json.Unmarshal(raw, &v)
	p := &party{id: v.ID, token: v.Token, key: key}
	if key != nil {
		p.addr = crypto.PubkeyToAddress(key.PublicKey)
	}
	mk.mu.Lock()
	switch role {
	case "core":
		mk.cores = append(mk.cores, p)
	case "sme":
		mk.smes = append(mk.smes, p)
	default:
		mk.lenders = append(mk.lenders, p)
	}
	mk.mu.Unlock()
	mk.ack(acked{"/v1/participants/" + p.id, p.token})
}

func (mk *loadMarket) receivable(r *replica, rng *rand.Rand) {
	mk.mu.Lock()
	sme, core := pick(rng, mk.smes), pick(rng, mk.cores)
	mk.mu.Unlock()
	n := mk.next()
	status, raw, err := r.callVisible("POST", "/v1/receivables", sme.token, wire.SubmitReceivableRequest{
		DebtorID: core.id, InvoiceNumber: fmt.Sprintf("%s-%07d", mk.prefix, n),
		Amount: 100_000 + rng.Int64N(100_000_000), Currency: "CNY",
		IssueDate: day(0), DueDate: day(30 + rng.IntN(150)),
	})
	if !mk.note(r, "receivable", status, raw, err, http.StatusCreated) {
		return
	}
	ref := &rcvRef{id: jsonID(raw), holder: sme, debtor: core}
	mk.mu.Lock()
	mk.pending = append(mk.pending, ref)
	mk.mu.Unlock()
	mk.ack(acked{"/v1/receivables/" + ref.id, sme.token})
}

// confirm signs a pending receivable's Confirmation, as served by r, with its
// debtor's key and posts it through r.
func (mk *loadMarket) confirm(r *replica, rng *rand.Rand) {
	mk.mu.Lock()
	ref := take(rng, &mk.pending)
	mk.mu.Unlock()
	if ref == nil {
		mk.receivable(r, rng)
		return
	}
	status, typed, err := r.callVisible("GET", "/v1/receivables/"+ref.id+"/typed-data", ref.debtor.token, nil)
	if !mk.note(r, "typed_data", status, typed, err, http.StatusOK) {
		return
	}
	sig, err := client.SignTypedData(ref.debtor.key, typed)
	if err != nil {
		mk.note(r, "confirm", 0, nil, err)
		return
	}
	status, raw, err := r.callVisible("POST", "/v1/receivables/"+ref.id+"/confirm", ref.debtor.token, wire.ConfirmRequest{Signature: sig})
	if !mk.note(r, "confirm", status, raw, err, http.StatusOK) {
		return
	}
	mk.mu.Lock()
	mk.confirmed = append(mk.confirmed, ref)
	mk.mu.Unlock()
}

func (mk *loadMarket) offer(r *replica, rng *rand.Rand) {
	mk.mu.Lock()
	lender, core := pick(rng, mk.lenders), pick(rng, mk.cores)
	mk.mu.Unlock()
	a := int64(250 + rng.IntN(200))
	status, raw, err := r.callVisible("POST", "/v1/offers", lender.token, wire.PostOfferRequest{
		CoreID: core.id, LineAmount: 5_000_000_000, RatesBps: &wire.Rates{A: a, B: a + 100, C: a + 250},
		MaxTenorDays: 365,
	})
	if mk.note(r, "offer", status, raw, err, http.StatusCreated) {
		mk.ack(acked{"/v1/offers/" + jsonID(raw), lender.token})
	}
}

// financeable takes a confirmed receivable that r reports financeable, with what
// remains of it (nil if the one it picked is not yet: it goes back). The caller has
// it to itself until it puts it back.
func (mk *loadMarket) financeable(r *replica, rng *rand.Rand) (*rcvRef, int64) {
	mk.mu.Lock()
	ref := take(rng, &mk.confirmed)
	mk.mu.Unlock()
	if ref == nil {
		return nil, 0
	}
	status, raw, err := r.callVisible("GET", "/v1/receivables/"+ref.id, ref.holder.token, nil)
	var v wire.Receivable
	if mk.note(r, "get_receivable", status, raw, err, http.StatusOK) && json.Unmarshal(raw, &v) == nil && v.Status == "financeable" {
		return ref, v.Remaining
	}
	mk.putBack(ref)
	return nil, 0
}

func (mk *loadMarket) putBack(refs ...*rcvRef) {
	mk.mu.Lock()
	mk.confirmed = append(mk.confirmed, refs...)
	mk.mu.Unlock()
}

func (mk *loadMarket) list(r *replica, rng *rand.Rand) {
	ref, _ := mk.financeable(r, rng)
	if ref == nil {
		return
	}
	status, raw, err := r.callVisible("POST", "/v1/receivables/"+ref.id+"/listings", ref.holder.token, wire.ListRequest{MaxRateBps: 1500})
	if !mk.note(r, "listing", status, raw, err, http.StatusCreated) {
		return
	}
	var v wire.ListingCreated
	_ = json.Unmarshal(raw, &v)
	mk.ack(acked{"/v1/listings/" + v.Listing.ID, ref.holder.token})
	if v.Match != nil {
		mk.ack(acked{"/v1/matches/" + v.Match.ID, ref.holder.token})
	}
	mk.mu.Lock()
	mk.listed = append(mk.listed, ref)
	mk.mu.Unlock()
}

// transfer passes a quarter of a financeable receivable to another SME, signed for
// real by the holder over the Transfer typed data r serves.
func (mk *loadMarket) transfer(r *replica, rng *rand.Rand) {
	ref, remaining := mk.financeable(r, rng)
	if ref == nil {
		return
	}
	mk.mu.Lock()
	to := pick(rng, mk.smes)
	mk.mu.Unlock()
	if to == ref.holder || remaining < 2 {
		mk.putBack(ref)
		return
	}
	var salt [32]byte
	for i := range salt {
		salt[i] = byte(rng.IntN(256))
	}
	amount := 1 + rng.Int64N(remaining/2)
	q := fmt.Sprintf("?to_id=%s&amount=%d&salt=%s", to.id, amount, hexutil.Encode(salt[:]))
	status, typed, err := r.callVisible("GET", "/v1/receivables/"+ref.id+"/transfers/typed-data"+q, ref.holder.token, nil)
	// An SME another replica onboarded may not be applied here yet: to_id is then
	// "not an SME" (400) for a moment.
	for deadline := time.Now().Add(visibleMax); err == nil && status == http.StatusBadRequest && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		status, typed, err = r.callVisible("GET", "/v1/receivables/"+ref.id+"/transfers/typed-data"+q, ref.holder.token, nil)
	}
	if !mk.note(r, "transfer_typed_data", status, typed, err, http.StatusOK) {
		return
	}
	sig, err := client.SignTypedData(ref.holder.key, typed)
	if err != nil {
		mk.note(r, "transfer", 0, nil, err)
		return
	}
	status, raw, err := r.callVisible("POST", "/v1/receivables/"+ref.id+"/transfers", ref.holder.token, wire.TransferRequest{
		ToID: to.id, Amount: amount, Salt: hexutil.Encode(salt[:]), Signature: sig,
	})
	if !mk.note(r, "transfer", status, raw, err, http.StatusCreated) {
		return
	}
	child := &rcvRef{id: jsonID(raw), holder: to, debtor: ref.debtor, fragment: true}
	mk.putBack(ref, child)
	mk.ack(acked{"/v1/receivables/" + child.id, to.token})
}

// loadOp is one kind of step of the random load, with its weight.
type loadOp struct {
	weight int
	do     func(mk *loadMarket, r *replica, rng *rand.Rand)
}

// marketMix is the load of the tests: mostly invoices and confirmations, some
// offers, listings and transfers (those act on what the anchorer made financeable),
// a few new participants and clusters.
var marketMix = []loadOp{
	{30, (*loadMarket).receivable},
	{25, (*loadMarket).confirm},
	{5, (*loadMarket).offer},
	{10, (*loadMarket).list},
	{8, (*loadMarket).transfer},
	{4, func(mk *loadMarket, r *replica, rng *rand.Rand) { mk.participant(r, rng, "sme") }},
	{1, func(mk *loadMarket, r *replica, rng *rand.Rand) { mk.participant(r, rng, "core") }},
	{1, func(mk *loadMarket, r *replica, rng *rand.Rand) { mk.participant(r, rng, "lender") }},
	{2, (*loadMarket).cluster},
}

// confirmMix only makes invoices and confirms them (anchoring work for the lease).
var confirmMix = []loadOp{
	{1, (*loadMarket).receivable},
	{1, (*loadMarket).confirm},
}

func pickOp(rng *rand.Rand, mix []loadOp) loadOp {
	total := 0
	for _, o := range mix {
		total += o.weight
	}
	n := rng.IntN(total)
	for _, o := range mix {
		if n < o.weight {
			return o
		}
		n -= o.weight
	}
	return mix[len(mix)-1]
}

// load is workers that each take steps of a mix, round robin over targets() (the
// replicas to load at that moment), until halted or each has taken its steps. Worker
// w's rng is seeded from seed and w, so a run can be repeated as far as the replicas'
// timing allows.
type load struct {
	wg   sync.WaitGroup
	stop chan struct{}
	once sync.Once
}

func startLoad(targets func() []*replica, mk *loadMarket, mix []loadOp, seed uint64, workers, steps int) *load {
	l := &load{stop: make(chan struct{})}
	for w := range workers {
		l.wg.Go(func() {
			rng := rand.New(rand.NewPCG(seed, uint64(w)))
			for k := 0; steps == 0 || k < steps; k++ {
				select {
				case <-l.stop:
					return
				default:
				}
				up := targets()
				if len(up) == 0 {
					time.Sleep(10 * time.Millisecond)
					continue
				}
				pickOp(rng, mix).do(mk, up[(w+k)%len(up)], rng)
			}
		})
	}
	return l
}

// halt stops the workers and waits for them.
func (l *load) halt() {
	l.once.Do(func() { close(l.stop) })
	l.wg.Wait()
}

func jsonID(raw []byte) string {
	var v wire.Receivable // any answer with an id
	_ = json.Unmarshal(raw, &v)
	return v.ID
}

// checkAcked reads every acknowledged object on every running replica, as the
// operator and as its party, and wants it there and the same everywhere.
func (pf *platform) checkAcked(mk *loadMarket) {
	t := pf.t
	t.Helper()
	mk.mu.Lock()
	acks := slices.Clone(mk.acks)
	mk.mu.Unlock()
	for _, a := range acks {
		var first []byte
		for _, r := range pf.up() {
			status, raw, err := r.call("GET", a.path, replicaAdmin, nil)
			if err != nil || status != http.StatusOK {
				t.Fatalf("%s: GET %s (acknowledged) = %d %s %v", r.id, a.path, status, raw, err)
			}
			if first == nil {
				first = raw
			} else if !bytes.Equal(raw, first) {
				t.Fatalf("%s: GET %s = %s, another replica answered %s", r.id, a.path, raw, first)
			}
			if a.token != "" {
				if status, raw, err := r.call("GET", a.path, a.token, nil); err != nil || status != http.StatusOK {
					t.Fatalf("%s: GET %s as its party = %d %s %v", r.id, a.path, status, raw, err)
				}
			}
		}
	}
	t.Logf("%d acknowledged objects present on %d replicas", len(acks), len(pf.up()))
}

// waitFinanceable waits until every confirmed receivable of the load is financeable
// (or further on: listed, matched, transferred) on r.
func (pf *platform) waitFinanceable(r *replica, mk *loadMarket) int {
	t := pf.t
	t.Helper()
	mk.mu.Lock()
	refs := append(slices.Clone(mk.confirmed), mk.listed...)
	mk.mu.Unlock()
	deadline := time.Now().Add(anchoredMax)
	for _, ref := range refs {
		for {
			status, raw, err := r.callVisible("GET", "/v1/receivables/"+ref.id, ref.holder.token, nil)
			if err != nil || status != http.StatusOK {
				t.Fatalf("%s: GET receivable %s = %d %s %v", r.id, ref.id, status, raw, err)
			}
			var v struct{ Status string }
			_ = json.Unmarshal(raw, &v)
			if v.Status != "confirmed" && v.Status != "pending_confirmation" {
				if v.Status == "rejected_duplicate" {
					t.Fatalf("receivable %s is rejected_duplicate: every invoice of the load is new", ref.id)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("receivable %s still %s after %v: not anchored", ref.id, v.Status, anchoredMax)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return len(refs)
}
