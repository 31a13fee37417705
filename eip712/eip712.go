// SPDX-License-Identifier: Apache-2.0

// Package eip712 holds the EIP-712 typed data of scfx (docs/api.md, "EIP-712"): the
// core enterprise's Confirmation of a receivable and the holder's Transfer of part
// of one. It serves the exact typed data a wallet signs (eth_signTypedData_v4),
// computes the same digests by hand for the matcher's hot path, and signs and
// recovers 65-byte signatures.
//
// The package is pure: no I/O, no clock, no goroutines.
//
// Types, fixed by docs/api.md:
//
//	EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)
//	Confirmation(string receivable,bytes32 fingerprint,address creditor,address debtor,uint256 amount,string currency,uint64 dueDate)
//	Transfer(string receivable,address from,address to,uint256 amount,bytes32 salt)
//	CreditNote(string receivable,uint256 amount,string reason,bytes32 salt)
//
// with the domain {name: "scfx", version: "1", chainId, verifyingContract: the
// registry}. In the served message, addresses are checksummed hex, bytes32 values
// 0x-prefixed hex, and integers decimal strings: every EIP-712 library (ethers,
// viem, MetaMask's eth-sig-util, go-ethereum's apitypes) reads a decimal string as
// an exact integer, where a JSON number loses precision above 2^53. Serve
// ToJSON(td) rather than td itself: see JSONTypedData.
package eip712

import (
	"crypto/ecdsa"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/math"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"
)

// The domain's fixed fields (docs/api.md, "EIP-712").
const (
	DomainName    = "scfx"
	DomainVersion = "1"
)

// Primary type names and the canonical type strings of docs/api.md. The tests check
// that go-ethereum's apitypes encodes the served Types to exactly these strings.
const (
	DomainType       = "EIP712Domain"
	ConfirmationType = "Confirmation"
	TransferType     = "Transfer"
	CreditNoteType   = "CreditNote"

	domainTypeString       = "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
	confirmationTypeString = "Confirmation(string receivable,bytes32 fingerprint,address creditor,address debtor,uint256 amount,string currency,uint64 dueDate)"
	transferTypeString     = "Transfer(string receivable,address from,address to,uint256 amount,bytes32 salt)"
	creditNoteTypeString   = "CreditNote(string receivable,uint256 amount,string reason,bytes32 salt)"
)

// Precomputed once: the matcher verifies signatures on a hot path, and these never
// change.
var (
	domainTypeHash       = crypto.Keccak256Hash([]byte(domainTypeString))
	confirmationTypeHash = crypto.Keccak256Hash([]byte(confirmationTypeString))
	transferTypeHash     = crypto.Keccak256Hash([]byte(transferTypeString))
	creditNoteTypeHash   = crypto.Keccak256Hash([]byte(creditNoteTypeString))
	domainNameHash       = crypto.Keccak256Hash([]byte(DomainName))
	domainVersionHash    = crypto.Keccak256Hash([]byte(DomainVersion))
)

// Domain is the variable part of the EIP-712 domain; name and version are fixed.
type Domain struct {
	ChainID           uint64
	VerifyingContract common.Address // the ScfxRegistry
}

// Confirmation is the core enterprise's signed confirmation (确权) of a receivable.
type Confirmation struct {
	Receivable  string         // receivable id
	Fingerprint common.Hash    // see Fingerprint
	Creditor    common.Address // original creditor's address
	Debtor      common.Address
	Amount      uint64 // fen (the contract says uint256; fen amounts are <= 10^15)
	Currency    string // "CNY"
	DueDate     uint64 // due date 00:00:00 UTC, Unix seconds
}

// Transfer is the holder's signed split of part of a receivable to its supplier.
type Transfer struct {
	Receivable string // the parent being split
	From, To   common.Address
	Amount     uint64      // fen
	Salt       common.Hash // chosen by the client; (holder, salt) is never reused
}

// CreditNote is the debtor core's signed reduction of what it owes on a confirmed
// receivable (goods returned, a price corrected): docs/api.md, "Credit notes".
type CreditNote struct {
	Receivable string // the tier-1 receivable the core confirmed
	Amount     uint64 // fen
	Reason     string
	Salt       common.Hash // chosen by the core; (core, salt) is never reused
}

func domainFields() []apitypes.Type {
	return []apitypes.Type{
		{Name: "name", Type: "string"},
		{Name: "version", Type: "string"},
		{Name: "chainId", Type: "uint256"},
		{Name: "verifyingContract", Type: "address"},
	}
}

func typedDataDomain(d Domain) apitypes.TypedDataDomain {
	return apitypes.TypedDataDomain{
		Name:              DomainName,
		Version:           DomainVersion,
		ChainId:           (*math.HexOrDecimal256)(new(big.Int).SetUint64(d.ChainID)),
		VerifyingContract: d.VerifyingContract.Hex(),
	}
}

func decimal(v uint64) string { return strconv.FormatUint(v, 10) }

// ConfirmationTypedData returns the typed data a debtor signs with
// eth_signTypedData_v4 to confirm c. Each call returns fresh maps.
func ConfirmationTypedData(d Domain, c Confirmation) apitypes.TypedData {
	return apitypes.TypedData{
		Types: apitypes.Types{
			DomainType: domainFields(),
			ConfirmationType: {
				{Name: "receivable", Type: "string"},
				{Name: "fingerprint", Type: "bytes32"},
				{Name: "creditor", Type: "address"},
				{Name: "debtor", Type: "address"},
				{Name: "amount", Type: "uint256"},
				{Name: "currency", Type: "string"},
				{Name: "dueDate", Type: "uint64"},
			},
		},
		PrimaryType: ConfirmationType,
		Domain:      typedDataDomain(d),
		Message: apitypes.TypedDataMessage{
			"receivable":  c.Receivable,
			"fingerprint": c.Fingerprint.Hex(),
			"creditor":    c.Creditor.Hex(),
			"debtor":      c.Debtor.Hex(),
			"amount":      decimal(c.Amount),
			"currency":    c.Currency,
			"dueDate":     decimal(c.DueDate),
		},
	}
}

// TransferTypedData returns the typed data a holder signs with
// eth_signTypedData_v4 to split t.Amount off t.Receivable. Each call returns fresh
// maps.
func TransferTypedData(d Domain, t Transfer) apitypes.TypedData {
	return apitypes.TypedData{
		Types: apitypes.Types{
			DomainType: domainFields(),
			TransferType: {
				{Name: "receivable", Type: "string"},
				{Name: "from", Type: "address"},
				{Name: "to", Type: "address"},
				{Name: "amount", Type: "uint256"},
				{Name: "salt", Type: "bytes32"},
			},
		},
		PrimaryType: TransferType,
		Domain:      typedDataDomain(d),
		Message: apitypes.TypedDataMessage{
			"receivable": t.Receivable,
			"from":       t.From.Hex(),
			"to":         t.To.Hex(),
			"amount":     decimal(t.Amount),
			"salt":       t.Salt.Hex(),
		},
	}
}

// CreditNoteTypedData returns the typed data a debtor core signs with
// eth_signTypedData_v4 to issue credit note n. Each call returns fresh maps.
func CreditNoteTypedData(d Domain, n CreditNote) apitypes.TypedData {
	return apitypes.TypedData{
		Types: apitypes.Types{
			DomainType: domainFields(),
			CreditNoteType: {
				{Name: "receivable", Type: "string"},
				{Name: "amount", Type: "uint256"},
				{Name: "reason", Type: "string"},
				{Name: "salt", Type: "bytes32"},
			},
		},
		PrimaryType: CreditNoteType,
		Domain:      typedDataDomain(d),
		Message: apitypes.TypedDataMessage{
			"receivable": n.Receivable,
			"amount":     decimal(n.Amount),
			"reason":     n.Reason,
			"salt":       n.Salt.Hex(),
		},
	}
}

// word is one 32-byte slot of an EIP-712 encoding.
type word = [32]byte

func uintWord(v uint64) (w word) {
	binary.BigEndian.PutUint64(w[24:], v)
	return w
}

func addressWord(a common.Address) (w word) {
	copy(w[12:], a[:])
	return w
}

// stringWord is a string field's word: keccak256 of its bytes.
func stringWord(s string) word {
	h := digesters.Get().(*digester)
	defer digesters.Put(h)
	if len(s) <= len(h.buf) {
		return h.keccak(h.buf[:copy(h.buf[:], s)])
	}
	return h.keccak([]byte(s))
}

// maxWords is the most words a struct of this package encodes to (a Confirmation's
// type hash and seven fields).
const maxWords = 8

// hashWords is keccak256 of the concatenated words: hashStruct's
// keccak256(typeHash ‖ encodeData).
func hashWords(ws ...word) common.Hash {
	if len(ws) > maxWords {
		panic(fmt.Sprintf("eip712: %d words, more than the %d of any struct here", len(ws), maxWords))
	}
	h := digesters.Get().(*digester)
	defer digesters.Put(h)
	n := 0
	for _, w := range ws {
		n += copy(h.buf[n:], w[:])
	}
	return h.keccak(h.buf[:n])
}

// digester is a Keccak-256 state with room for the longest input a digest hashes,
// pooled: a digest allocates nothing (crypto.Keccak256Hash would allocate its
// arguments, the input and the output, which escape through the hash interface).
type digester struct {
	st  crypto.KeccakState
	buf [maxWords * 32]byte
	out common.Hash
}

var digesters = sync.Pool{New: func() any { return &digester{st: crypto.NewKeccakState()} }}

// keccak is keccak256(b).
func (h *digester) keccak(b []byte) common.Hash {
	h.st.Reset()
	h.st.Write(b)
	h.st.Read(h.out[:])
	return h.out
}

// DomainSeparator is hashStruct(EIP712Domain) of d.
func DomainSeparator(d Domain) common.Hash {
	return hashWords(domainTypeHash, domainNameHash, domainVersionHash,
		uintWord(d.ChainID), addressWord(d.VerifyingContract))
}

// separatorCache is the domain separator of the last domain a digest was made in. A
// node signs and checks in one domain, so nearly every digest finds it here and
// saves the separator's two Keccak-f permutations (of the five to seven a digest
// takes); a digest in another domain computes its own and replaces it.
var separatorCache atomic.Pointer[domainSeparator]

type domainSeparator struct {
	domain Domain
	hash   common.Hash
}

// separatorOf is DomainSeparator(d), from separatorCache when it holds d.
func separatorOf(d Domain) common.Hash {
	if c := separatorCache.Load(); c != nil && c.domain == d {
		return c.hash
	}
	c := &domainSeparator{domain: d, hash: DomainSeparator(d)}
	separatorCache.Store(c)
	return c.hash
}

func typedDigest(d Domain, structHash common.Hash) common.Hash {
	ds := separatorOf(d)
	h := digesters.Get().(*digester)
	defer digesters.Put(h)
	h.buf[0], h.buf[1] = 0x19, 0x01
	copy(h.buf[2:], ds[:])
	copy(h.buf[34:], structHash[:])
	return h.keccak(h.buf[:2+32+32])
}

// ConfirmationDigest is keccak256("\x19\x01" ‖ domainSeparator ‖ hashStruct(c)),
// equal to go-ethereum's apitypes.TypedDataAndHash of ConfirmationTypedData(d, c)
// but computed by hand, without reflection or big integers.
func ConfirmationDigest(d Domain, c Confirmation) common.Hash {
	return typedDigest(d, hashWords(confirmationTypeHash,
		stringWord(c.Receivable), c.Fingerprint, addressWord(c.Creditor),
		addressWord(c.Debtor), uintWord(c.Amount), stringWord(c.Currency),
		uintWord(c.DueDate)))
}

// TransferDigest is keccak256("\x19\x01" ‖ domainSeparator ‖ hashStruct(t)), equal
// to go-ethereum's apitypes.TypedDataAndHash of TransferTypedData(d, t).
func TransferDigest(d Domain, t Transfer) common.Hash {
	return typedDigest(d, hashWords(transferTypeHash,
		stringWord(t.Receivable), addressWord(t.From), addressWord(t.To),
		uintWord(t.Amount), t.Salt))
}

// CreditNoteDigest is keccak256("\x19\x01" ‖ domainSeparator ‖ hashStruct(n)), equal
// to go-ethereum's apitypes.TypedDataAndHash of CreditNoteTypedData(d, n).
func CreditNoteDigest(d Domain, n CreditNote) common.Hash {
	return typedDigest(d, hashWords(creditNoteTypeHash,
		stringWord(n.Receivable), uintWord(n.Amount), stringWord(n.Reason), n.Salt))
}

// SignatureLength is the length of an [R ‖ S ‖ V] signature (docs/api.md: 65 bytes).
const SignatureLength = 65

// Errors of Recover, for errors.Is; the API maps them all to invalid_signature.
var (
	ErrSignatureLength = errors.New("signature must be 65 bytes")
	ErrSignatureV      = errors.New("signature v must be 27, 28, 0 or 1")
	ErrSignatureHighS  = errors.New("signature s is in the upper half of the curve order (malleable)")
	ErrSignatureValues = errors.New("signature r or s out of range")
	ErrRecover         = errors.New("signature does not recover a public key")
)

// Recover returns the address whose key signed digest. sig is [R ‖ S ‖ V] with V
// in {27, 28} (wallets) or {0, 1} (raw secp256k1). High-s signatures are rejected:
// for every signature (r, s) the twin (r, n−s) also verifies, and accepting both
// would give one confirmation two signatures, so two different leaves.
func Recover(digest common.Hash, sig []byte) (common.Address, error) {
	raw, err := rawSignature(sig)
	if err != nil {
		return common.Address{}, err
	}
	// The 65-byte key libsecp256k1 recovers (always a point of the curve), hashed to
	// its address as crypto.PubkeyToAddress does, without parsing it into big
	// integers and back (docs/benchmarks.md "Audit", BenchmarkSignatureCheck).
	pub, err := crypto.Ecrecover(digest[:], raw[:])
	if err != nil {
		return common.Address{}, fmt.Errorf("%w: %w", ErrRecover, err)
	}
	return common.BytesToAddress(crypto.Keccak256(pub[1:])[12:]), nil
}

// CheckSignatureForm is what Recover checks before it recovers: the length, v, and
// r and s in range with s in the lower half. A signature it refuses, Recover refuses
// with the same error; one it accepts may still recover no key or another's.
func CheckSignatureForm(sig []byte) error {
	_, err := rawSignature(sig)
	return err
}

// rawSignature is sig with v in {0, 1}, if its form is one Recover accepts.
func rawSignature(sig []byte) (raw [SignatureLength]byte, err error) {
	if len(sig) != SignatureLength {
		return raw, fmt.Errorf("%w, got %d", ErrSignatureLength, len(sig))
	}
	copy(raw[:], sig)
	switch v := raw[64]; v {
	case 0, 1:
	case 27, 28:
		raw[64] = v - 27
	default:
		return raw, fmt.Errorf("%w, got %d", ErrSignatureV, v)
	}
	r := new(big.Int).SetBytes(raw[:32])
	s := new(big.Int).SetBytes(raw[32:64])
	if !crypto.ValidateSignatureValues(raw[64], r, s, false) {
		return raw, ErrSignatureValues
	}
	if !crypto.ValidateSignatureValues(raw[64], r, s, true) {
		return raw, ErrSignatureHighS
	}
	return raw, nil
}

// Sign signs digest with key and returns [R ‖ S ‖ V] with V in {27, 28}, the form
// wallets return from eth_signTypedData_v4. S is always in the lower half.
func Sign(key *ecdsa.PrivateKey, digest common.Hash) ([]byte, error) {
	if key == nil {
		return nil, errors.New("sign: nil private key")
	}
	sig, err := crypto.Sign(digest[:], key)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	sig[64] += 27
	return sig, nil
}

// Fingerprint is the canonical invoice identity of docs/api.md, the key of the
// duplicate-financing registry: keccak256(utf8(debtor + "|" + creditor + "|" +
// invoice)), creditor being the original creditor's USCC.
func Fingerprint(debtorUSCC, creditorUSCC, invoiceNumber string) common.Hash {
	return crypto.Keccak256Hash([]byte(debtorUSCC + "|" + creditorUSCC + "|" + invoiceNumber))
}

// dateLayout is docs/api.md's date format.
const dateLayout = "2006-01-02"

// DueDateSeconds returns 00:00:00 UTC of date ("YYYY-MM-DD") in Unix seconds, the
// Confirmation's dueDate. Dates before 1970-01-01 are refused: dueDate is unsigned.
func DueDateSeconds(date string) (uint64, error) {
	if len(date) != len(dateLayout) {
		// The input is not echoed: it may be long, and the caller reports it.
		return 0, fmt.Errorf("due date: want YYYY-MM-DD, got %d bytes", len(date))
	}
	t, err := time.Parse(dateLayout, date)
	if err != nil {
		return 0, fmt.Errorf("due date %q: want YYYY-MM-DD: %w", date, err)
	}
	secs := t.Unix()
	if secs < 0 {
		return 0, fmt.Errorf("due date %q is before 1970-01-01", date)
	}
	return uint64(secs), nil
}
