// SPDX-License-Identifier: Apache-2.0

package eip712

import (
	"bytes"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"
)

// secp256k1N is the curve order, to build high-s twins of signatures.
var secp256k1N = crypto.S256().Params().N

func apitypesDigest(t testing.TB, td apitypes.TypedData) common.Hash {
	t.Helper()
	h, _, err := apitypes.TypedDataAndHash(td)
	if err != nil {
		t.Fatalf("apitypes.TypedDataAndHash: %v", err)
	}
	return common.BytesToHash(h)
}

func randString(r *rand.Rand) string {
	const alphabet = "abcXYZ019-_|\x00 é应收账款🙂"
	runes := []rune(alphabet)
	n := r.IntN(40)
	if r.IntN(10) == 0 {
		n = 0
	}
	var b strings.Builder
	for range n {
		b.WriteRune(runes[r.IntN(len(runes))])
	}
	return b.String()
}

func randUint64(r *rand.Rand) uint64 {
	switch r.IntN(6) {
	case 0:
		return 0
	case 1:
		return math.MaxUint64
	case 2:
		return r.Uint64N(1_000_000_000_000_001) // fen amounts
	default:
		return r.Uint64()
	}
}

func randAddress(r *rand.Rand) (a common.Address) {
	for i := range a {
		a[i] = byte(r.Uint32())
	}
	return a
}

func randHash(r *rand.Rand) (h common.Hash) {
	for i := range h {
		h[i] = byte(r.Uint32())
	}
	return h
}

func randDomain(r *rand.Rand) Domain {
	return Domain{ChainID: randUint64(r), VerifyingContract: randAddress(r)}
}

func randConfirmation(r *rand.Rand) Confirmation {
	return Confirmation{
		Receivable:  randString(r),
		Fingerprint: randHash(r),
		Creditor:    randAddress(r),
		Debtor:      randAddress(r),
		Amount:      randUint64(r),
		Currency:    randString(r),
		DueDate:     randUint64(r),
	}
}

func randTransfer(r *rand.Rand) Transfer {
	return Transfer{
		Receivable: randString(r),
		From:       randAddress(r),
		To:         randAddress(r),
		Amount:     randUint64(r),
		Salt:       randHash(r),
	}
}

// The served types must encode to the type strings of docs/api.md, character for
// character: a wallet hashes the types we serve, the matcher hashes the constants.
func TestTypeStringsMatchAPI(t *testing.T) {
	d := Domain{ChainID: 1}
	cases := []struct {
		td      apitypes.TypedData
		primary string
		want    string
	}{
		{ConfirmationTypedData(d, Confirmation{}), DomainType, "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"},
		{ConfirmationTypedData(d, Confirmation{}), ConfirmationType, "Confirmation(string receivable,bytes32 fingerprint,address creditor,address debtor,uint256 amount,string currency,uint64 dueDate)"},
		{TransferTypedData(d, Transfer{}), TransferType, "Transfer(string receivable,address from,address to,uint256 amount,bytes32 salt)"},
		{CreditNoteTypedData(d, CreditNote{}), CreditNoteType, "CreditNote(string receivable,uint256 amount,string reason,bytes32 salt)"},
	}
	for _, c := range cases {
		if got := string(c.td.EncodeType(c.primary)); got != c.want {
			t.Errorf("EncodeType(%s) = %s, want %s", c.primary, got, c.want)
		}
	}
	if len(cases[0].td.Types) != 2 || len(cases[2].td.Types) != 2 {
		t.Errorf("typed data carries extra types: %v, %v", cases[0].td.Types, cases[2].td.Types)
	}
}

func TestDigestsEqualApitypes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 500 {
		d := randDomain(r)
		c := randConfirmation(r)
		if got, want := ConfirmationDigest(d, c), apitypesDigest(t, ConfirmationTypedData(d, c)); got != want {
			t.Fatalf("case %d: ConfirmationDigest(%+v, %+v) = %s, want %s", i, d, c, got, want)
		}
		tr := randTransfer(r)
		if got, want := TransferDigest(d, tr), apitypesDigest(t, TransferTypedData(d, tr)); got != want {
			t.Fatalf("case %d: TransferDigest(%+v, %+v) = %s, want %s", i, d, tr, got, want)
		}
		n := CreditNote{Receivable: tr.Receivable, Amount: tr.Amount, Reason: "退货 " + strconv.FormatUint(r.Uint64(), 10), Salt: tr.Salt}
		if got, want := CreditNoteDigest(d, n), apitypesDigest(t, CreditNoteTypedData(d, n)); got != want {
			t.Fatalf("case %d: CreditNoteDigest(%+v, %+v) = %s, want %s", i, d, n, got, want)
		}
		td := TransferTypedData(d, tr)
		ds, err := td.HashStruct(DomainType, td.Domain.Map())
		if err != nil {
			t.Fatal(err)
		}
		if got := DomainSeparator(d); !bytes.Equal(got[:], ds) {
			t.Fatalf("case %d: DomainSeparator(%+v) = %s, want %x", i, d, got, ds)
		}
	}
}

// A digest in one domain never takes another's separator: digests made in turn in
// domains that differ in the chain id only, or the contract only, and from
// goroutines at once, each equal apitypes' in its own domain.
func TestDigestsAcrossDomains(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	base := randDomain(r)
	other := base
	other.ChainID++
	contract := base
	contract.VerifyingContract[19] ^= 1
	domains := []Domain{base, other, base, base, contract, other, contract}
	c := randConfirmation(r)
	want := make([]common.Hash, len(domains))
	for i, d := range domains {
		want[i] = apitypesDigest(t, ConfirmationTypedData(d, c))
	}
	for round := range 3 {
		for i, d := range domains {
			if got := ConfirmationDigest(d, c); got != want[i] {
				t.Fatalf("round %d, domain %d (%+v): %s, want %s", round, i, d, got, want[i])
			}
		}
	}
	var wg sync.WaitGroup
	errs := make(chan string, len(domains))
	for i, d := range domains {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 2000 {
				if got := ConfirmationDigest(d, c); got != want[i] {
					errs <- fmt.Sprintf("domain %d (%+v): %s, want %s", i, d, got, want[i])
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// Every field is in the digest: changing any one changes it.
func TestDigestsBindEveryField(t *testing.T) {
	d := Domain{ChainID: 1337, VerifyingContract: common.HexToAddress("0x01")}
	c := Confirmation{Receivable: "r1", Fingerprint: common.HexToHash("0x02"), Creditor: common.HexToAddress("0x03"),
		Debtor: common.HexToAddress("0x04"), Amount: 5, Currency: "CNY", DueDate: 6}
	tr := Transfer{Receivable: "r1", From: common.HexToAddress("0x03"), To: common.HexToAddress("0x04"), Amount: 5, Salt: common.HexToHash("0x07")}
	base, baseT := ConfirmationDigest(d, c), TransferDigest(d, tr)
	confMuts := []func(*Domain, *Confirmation){
		func(d *Domain, _ *Confirmation) { d.ChainID++ },
		func(d *Domain, _ *Confirmation) { d.VerifyingContract[0] ^= 1 },
		func(_ *Domain, c *Confirmation) { c.Receivable += "x" },
		func(_ *Domain, c *Confirmation) { c.Fingerprint[31] ^= 1 },
		func(_ *Domain, c *Confirmation) { c.Creditor[19] ^= 1 },
		func(_ *Domain, c *Confirmation) { c.Debtor[19] ^= 1 },
		func(_ *Domain, c *Confirmation) { c.Amount++ },
		func(_ *Domain, c *Confirmation) { c.Currency = "USD" },
		func(_ *Domain, c *Confirmation) { c.DueDate++ },
	}
	for i, mut := range confMuts {
		d2, c2 := d, c
		mut(&d2, &c2)
		if ConfirmationDigest(d2, c2) == base {
			t.Errorf("confirmation mutation %d did not change the digest", i)
		}
	}
	trMuts := []func(*Transfer){
		func(t *Transfer) { t.Receivable = "r2" },
		func(t *Transfer) { t.From[0] ^= 1 },
		func(t *Transfer) { t.To[0] ^= 1 },
		func(t *Transfer) { t.Amount-- },
		func(t *Transfer) { t.Salt[0] ^= 1 },
	}
	for i, mut := range trMuts {
		tr2 := tr
		mut(&tr2)
		if TransferDigest(d, tr2) == baseT {
			t.Errorf("transfer mutation %d did not change the digest", i)
		}
	}
}

// The typed data must survive the trip a client makes: JSON out, JSON in, hash.
func TestTypedDataJSONRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 100 {
		d := randDomain(r)
		c, tr := randConfirmation(r), randTransfer(r)
		cases := []struct {
			td     apitypes.TypedData
			digest common.Hash
		}{
			{ConfirmationTypedData(d, c), ConfirmationDigest(d, c)},
			{TransferTypedData(d, tr), TransferDigest(d, tr)},
		}
		for _, cs := range cases {
			for _, v := range []any{cs.td, ToJSON(cs.td)} {
				raw, err := json.Marshal(v)
				if err != nil {
					t.Fatal(err)
				}
				checkSignTypedDataV4Shape(t, raw, cs.td.PrimaryType)
				var back apitypes.TypedData
				if err := json.Unmarshal(raw, &back); err != nil {
					t.Fatalf("case %d: unmarshal %s: %v", i, raw, err)
				}
				if got := apitypesDigest(t, back); got != cs.digest {
					t.Fatalf("case %d: digest after JSON %s = %s, want %s", i, raw, got, cs.digest)
				}
			}
		}
	}
}

func checkSignTypedDataV4Shape(t *testing.T, raw []byte, primary string) {
	t.Helper()
	var m struct {
		Types       map[string][]struct{ Name, Type string } `json:"types"`
		PrimaryType string                                   `json:"primaryType"`
		Domain      map[string]any                           `json:"domain"`
		Message     map[string]any                           `json:"message"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("typed data %s: %v", raw, err)
	}
	if m.PrimaryType != primary || len(m.Types[DomainType]) != 4 || len(m.Types[primary]) == 0 {
		t.Fatalf("typed data %s: want types with %s and %s, primaryType %s", raw, DomainType, primary, primary)
	}
	if m.Domain["name"] != DomainName || m.Domain["version"] != DomainVersion ||
		m.Domain["chainId"] == nil || m.Domain["verifyingContract"] == nil {
		t.Fatalf("typed data %s: incomplete domain", raw)
	}
	if len(m.Message) != len(m.Types[primary]) {
		t.Fatalf("typed data %s: message fields do not match the type", raw)
	}
}

func TestToJSONDomainShape(t *testing.T) {
	td := ConfirmationTypedData(Domain{ChainID: 1337, VerifyingContract: common.HexToAddress("0xabc")}, Confirmation{})
	raw, err := json.Marshal(ToJSON(td))
	if err != nil {
		t.Fatal(err)
	}
	want := `"domain":{"name":"scfx","version":"1","chainId":1337,"verifyingContract":"` +
		common.HexToAddress("0xabc").Hex() + `"}`
	if !bytes.Contains(raw, []byte(want)) {
		t.Errorf("json.Marshal(ToJSON(td)) = %s, want it to contain %s", raw, want)
	}
}

func mustKey(t testing.TB, hexKey string) *ecdsa.PrivateKey {
	t.Helper()
	key, err := crypto.HexToECDSA(hexKey)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func TestSignRecover(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for i := range 50 {
		key, err := crypto.GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		want := crypto.PubkeyToAddress(key.PublicKey)
		d, c := randDomain(r), randConfirmation(r)
		digest := ConfirmationDigest(d, c)
		sig, err := Sign(key, digest)
		if err != nil {
			t.Fatal(err)
		}
		if len(sig) != 65 || (sig[64] != 27 && sig[64] != 28) {
			t.Fatalf("case %d: Sign = %x, want 65 bytes with v 27/28", i, sig)
		}
		raw := bytes.Clone(sig)
		raw[64] -= 27
		for _, s := range [][]byte{sig, raw} {
			got, err := Recover(digest, s)
			if err != nil || got != want {
				t.Fatalf("case %d: Recover(%s, %x) = %s, %v, want %s", i, digest, s, got, err, want)
			}
		}
		c.Amount++
		if got, err := Recover(ConfirmationDigest(d, c), sig); err == nil && got == want {
			t.Fatalf("case %d: tampered confirmation recovers the signer %s", i, want)
		}
		tr := randTransfer(r)
		tsig, err := Sign(key, TransferDigest(d, tr))
		if err != nil {
			t.Fatal(err)
		}
		tr.To[0] ^= 0xff
		if got, err := Recover(TransferDigest(d, tr), tsig); err == nil && got == want {
			t.Fatalf("case %d: tampered transfer recovers the signer %s", i, want)
		}
	}
}

func TestRecoverRejects(t *testing.T) {
	key := mustKey(t, "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
	digest := crypto.Keccak256Hash([]byte("scfx"))
	sig, err := Sign(key, digest)
	if err != nil {
		t.Fatal(err)
	}
	with := func(f func(s []byte) []byte) []byte { return f(bytes.Clone(sig)) }
	highS := with(func(s []byte) []byte {
		sv := new(big.Int).SetBytes(s[32:64])
		new(big.Int).Sub(secp256k1N, sv).FillBytes(s[32:64])
		s[64] = 27 + (1 - (s[64] - 27)) // the twin recovers with the other parity
		return s
	})
	cases := []struct {
		name string
		sig  []byte
		want error
	}{
		{"nil", nil, ErrSignatureLength},
		{"64 bytes", sig[:64], ErrSignatureLength},
		{"66 bytes", append(bytes.Clone(sig), 0), ErrSignatureLength},
		{"v 2", with(func(s []byte) []byte { s[64] = 2; return s }), ErrSignatureV},
		{"v 26", with(func(s []byte) []byte { s[64] = 26; return s }), ErrSignatureV},
		{"v 29", with(func(s []byte) []byte { s[64] = 29; return s }), ErrSignatureV},
		{"v 37 (EIP-155)", with(func(s []byte) []byte { s[64] = 37; return s }), ErrSignatureV},
		{"r zero", with(func(s []byte) []byte { clear(s[:32]); return s }), ErrSignatureValues},
		{"s zero", with(func(s []byte) []byte { clear(s[32:64]); return s }), ErrSignatureValues},
		{"r = n", with(func(s []byte) []byte { secp256k1N.FillBytes(s[:32]); return s }), ErrSignatureValues},
		{"high s", highS, ErrSignatureHighS},
	}
	for _, c := range cases {
		got, err := Recover(digest, c.sig)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: Recover = %s, %v, want error %v", c.name, got, err, c.want)
		}
		if err := CheckSignatureForm(c.sig); !errors.Is(err, c.want) {
			t.Errorf("%s: CheckSignatureForm = %v, want error %v", c.name, err, c.want)
		}
	}
	if err := CheckSignatureForm(sig); err != nil {
		t.Errorf("CheckSignatureForm of a good signature = %v", err)
	}
	// The high-s twin is a valid signature by the same key: only our rule rejects it.
	twin := bytes.Clone(highS)
	twin[64] -= 27
	pub, err := crypto.SigToPub(digest[:], twin)
	if err != nil || crypto.PubkeyToAddress(*pub) != crypto.PubkeyToAddress(key.PublicKey) {
		t.Fatalf("high-s twin does not recover the signer (%v): the test is not testing malleability", err)
	}
	if _, err := Sign(nil, digest); err == nil {
		t.Error("Sign(nil key) succeeded, want an error")
	}
}

// A vector with fixed inputs and key. The expected digest is computed by
// go-ethereum's apitypes from typed data written out by hand below, the way a
// wallet receives it: it shares no code with this package.
func TestVector(t *testing.T) {
	const typedJSON = `{
	  "types": {
	    "EIP712Domain": [
	      {"name": "name", "type": "string"},
	      {"name": "version", "type": "string"},
	      {"name": "chainId", "type": "uint256"},
	      {"name": "verifyingContract", "type": "address"}
	    ],
	    "Confirmation": [
	      {"name": "receivable", "type": "string"},
	      {"name": "fingerprint", "type": "bytes32"},
	      {"name": "creditor", "type": "address"},
	      {"name": "debtor", "type": "address"},
	      {"name": "amount", "type": "uint256"},
	      {"name": "currency", "type": "string"},
	      {"name": "dueDate", "type": "uint64"}
	    ]
	  },
	  "primaryType": "Confirmation",
	  "domain": {"name": "scfx", "version": "1", "chainId": 1337,
	             "verifyingContract": "0x5FbDB2315678afecb367f032d93F642f64180aa3"},
	  "message": {
	    "receivable": "rcv_01HZX3",
	    "fingerprint": "FINGERPRINT",
	    "creditor": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
	    "debtor": "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
	    "amount": "123456789",
	    "currency": "CNY",
	    "dueDate": 1767225600
	  }
	}`
	fp := crypto.Keccak256Hash([]byte("91330100799655058B|91350100M000100Y43|INV-2025-0001"))
	var td apitypes.TypedData
	if err := json.Unmarshal([]byte(strings.Replace(typedJSON, "FINGERPRINT", fp.Hex(), 1)), &td); err != nil {
		t.Fatal(err)
	}
	want := apitypesDigest(t, td)

	due, err := DueDateSeconds("2026-01-01")
	if err != nil {
		t.Fatal(err)
	}
	d := Domain{ChainID: 1337, VerifyingContract: common.HexToAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3")}
	c := Confirmation{
		Receivable:  "rcv_01HZX3",
		Fingerprint: Fingerprint("91330100799655058B", "91350100M000100Y43", "INV-2025-0001"),
		Creditor:    common.HexToAddress("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"),
		Debtor:      common.HexToAddress("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"),
		Amount:      123456789,
		Currency:    "CNY",
		DueDate:     due,
	}
	if got := ConfirmationDigest(d, c); got != want {
		t.Fatalf("ConfirmationDigest = %s, want %s", got, want)
	}

	// Hardhat's well-known account #2, the debtor above.
	key := mustKey(t, "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a")
	if got := crypto.PubkeyToAddress(key.PublicKey); got != c.Debtor {
		t.Fatalf("key address = %s, want %s", got, c.Debtor)
	}
	sig, err := Sign(key, want)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := Recover(want, sig); err != nil || got != c.Debtor {
		t.Fatalf("Recover = %s, %v, want %s", got, err, c.Debtor)
	}
	t.Logf("digest %s signature 0x%x", want, sig)
}

func TestFingerprint(t *testing.T) {
	got := Fingerprint("D", "C", "INV|1")
	if want := crypto.Keccak256Hash([]byte("D|C|INV|1")); got != want {
		t.Errorf("Fingerprint = %s, want %s", got, want)
	}
	if Fingerprint("A", "B", "C") == Fingerprint("B", "A", "C") {
		t.Error("Fingerprint ignores which party is the debtor")
	}
}

func TestDueDateSeconds(t *testing.T) {
	good := []struct {
		in   string
		want time.Time
	}{
		{"1970-01-01", time.Unix(0, 0)},
		{"2025-06-30", time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)},
		{"2028-02-29", time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC)},
		{"9999-12-31", time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)},
	}
	for _, c := range good {
		got, err := DueDateSeconds(c.in)
		if err != nil || got != uint64(c.want.Unix()) {
			t.Errorf("DueDateSeconds(%q) = %d, %v, want %d", c.in, got, err, c.want.Unix())
		}
	}
	for _, in := range []string{"", "2025-6-30", "2025-06-3", "2025-02-30", "2027-02-29", "2025-13-01",
		"2025-06-30T00:00:00Z", "2025/06/30", "1969-12-31", "+025-06-30", " 2025-06-30", "２０２５-06-30"} {
		if got, err := DueDateSeconds(in); err == nil {
			t.Errorf("DueDateSeconds(%q) = %d, nil, want an error", in, got)
		}
	}
}

func BenchmarkConfirmationDigest(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	d, c := randDomain(r), randConfirmation(r)
	b.ReportAllocs()
	for b.Loop() {
		ConfirmationDigest(d, c)
	}
}

func BenchmarkConfirmationDigestApitypes(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	d, c := randDomain(r), randConfirmation(r)
	b.ReportAllocs()
	for b.Loop() {
		apitypesDigest(b, ConfirmationTypedData(d, c))
	}
}

func BenchmarkRecover(b *testing.B) {
	key := mustKey(b, "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a")
	digest := crypto.Keccak256Hash([]byte("scfx"))
	sig, err := Sign(key, digest)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Recover(digest, sig); err != nil {
			b.Fatal(err)
		}
	}
}
