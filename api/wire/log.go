// SPDX-License-Identifier: Apache-2.0

package wire

// LogHead is the transparency log as it stands and the heads anchored on chain
// (GET /v1/log/head, operator and auditors; docs/audit.md).
type LogHead struct {
	Size     uint64         `json:"size"`
	Root     string         `json:"root"`
	Anchored []AnchoredHead `json:"anchored"`
}

// AnchoredHead is a log head and the state hash at its size, committed as the last
// leaf of the anchored batch whose root is BatchRoot.
type AnchoredHead struct {
	Size        uint64 `json:"size"`
	Root        string `json:"root"`
	StateHash   string `json:"state_hash"`
	BatchRoot   string `json:"batch_root"`
	FirstLeaf   uint64 `json:"first_leaf"`
	Count       int    `json:"count"`
	TxHash      string `json:"tx_hash"`
	BlockNumber uint64 `json:"block_number"`
}

// LogEntry is one journal entry as its leaf hashes it: data is the entry's bytes
// (base64 in JSON).
type LogEntry struct {
	Seq    uint64 `json:"seq"`
	TimeMs int64  `json:"time_ms"`
	Data   []byte `json:"data"`
}

// LogEntries is a page of entries (GET /v1/log/entries); Next is the seq to ask
// from for the next page, absent at the end of the log.
type LogEntries struct {
	Entries []LogEntry `json:"entries"`
	Next    *uint64    `json:"next,omitempty"`
}

// LogInclusion proves entry Seq's leaf is in the tree of Size entries (GET
// /v1/log/inclusion): RFC 6962 audit path, as golang.org/x/mod/sumdb/tlog makes it.
type LogInclusion struct {
	Seq   uint64   `json:"seq"`
	Size  uint64   `json:"size"`
	Root  string   `json:"root"`
	Leaf  string   `json:"leaf"`
	Proof []string `json:"proof"`
}

// LogConsistency proves the tree of Old entries is a prefix of the tree of New
// entries (GET /v1/log/consistency).
type LogConsistency struct {
	Old     uint64   `json:"old"`
	New     uint64   `json:"new"`
	OldRoot string   `json:"old_root"`
	NewRoot string   `json:"new_root"`
	Proof   []string `json:"proof"`
}
