// SPDX-License-Identifier: Apache-2.0

package ledger

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/scfx/scfx/matcher"
)

func TestPlatformIDIsMadeOnceAndKept(t *testing.T) {
	dir := t.TempDir()
	id, err := PlatformID(dir)
	if err != nil {
		t.Fatalf("PlatformID: %v", err)
	}
	if id == (common.Hash{}) || common.BytesToHash(append(id[:8:8], make([]byte, 24)...)) == (common.Hash{}) {
		t.Fatalf("PlatformID = %s: want a random id whose ref prefix (first 8 bytes) is not zero", id.Hex())
	}
	again, err := PlatformID(dir)
	if err != nil || again != id {
		t.Fatalf("PlatformID again = %s, %v; want %s", again.Hex(), err, id.Hex())
	}
	fi, err := os.Stat(filepath.Join(dir, platformIDFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("platform.id: %v, mode %v; want 0600", err, fi.Mode())
	}
	if err := os.WriteFile(filepath.Join(dir, platformIDFile), []byte("0x1234\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := PlatformID(dir); err == nil {
		t.Fatal("PlatformID of a file with 2 bytes of hex succeeded, want an error")
	}
}

func TestLoadKeyFileAcceptsHexWithOrWithout0x(t *testing.T) {
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	want := crypto.PubkeyToAddress(key.PublicKey)
	raw := hexutil.Encode(crypto.FromECDSA(key))
	dir := t.TempDir()
	for name, body := range map[string]string{
		"0x":      raw + "\n",
		"bare":    strings.TrimPrefix(raw, "0x"),
		"spaces":  "  " + raw + " \r\n",
		"garbage": "not a key",
		"short":   raw[:20],
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := LoadKeyFile(path)
		bad := name == "garbage" || name == "short"
		switch {
		case bad && err == nil:
			t.Errorf("LoadKeyFile(%s) succeeded, want an error", name)
		case bad && strings.Contains(err.Error(), body):
			t.Errorf("LoadKeyFile(%s) = %v: the error quotes the file", name, err)
		case !bad && (err != nil || crypto.PubkeyToAddress(got.PublicKey) != want):
			t.Errorf("LoadKeyFile(%s) = %v; want the key of %s", name, err, want.Hex())
		}
	}
	if _, err := LoadKeyFile(filepath.Join(dir, "missing")); err == nil {
		t.Error("LoadKeyFile(missing) succeeded")
	}
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"http://127.0.0.1:8545":               "http://127.0.0.1:8545",
		"https://user:secret@node.example/v3": "https://***@node.example/v3",
		"/var/run/geth.ipc":                   "/var/run/geth.ipc",
		"wss://node.example/path@x":           "wss://node.example/path@x",
	} {
		if got := redactURL(in); got != want {
			t.Errorf("redactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// Configure binds the journal once; a replica (another data directory on the same
// journal) takes the platform already in the matcher; another registry is refused.
func TestConfigure(t *testing.T) {
	dir := t.TempDir()
	e := openEmbedded(t, dir, 0)
	defer e.Close()
	n := openNode(t, filepath.Join(dir, "node"))
	defer n.Close()
	l := configure(t, n, e, dir)
	again := configure(t, n, e, dir)
	if again != l {
		t.Fatalf("second Configure = %+v, want %+v", again, l)
	}
	replicaDir := t.TempDir()
	if r := configure(t, n, e, replicaDir); r.Platform != l.Platform {
		t.Fatalf("replica's platform %s, want the journal's %s", r.Platform.Hex(), l.Platform.Hex())
	}
	if id, err := PlatformID(replicaDir); err != nil || id != l.Platform {
		t.Fatalf("replica's platform.id = %s, %v; want %s", id.Hex(), err, l.Platform.Hex())
	}
	other := &otherRegistry{Backend: e, registry: common.HexToAddress("0x00000000000000000000000000000000005cf0c5")}
	if _, err := Configure(context.Background(), n, other, dir); err == nil {
		t.Fatal("Configure with another registry succeeded, want an error")
	}
	var got *matcher.LedgerConfig
	n.View(func(m *matcher.Matcher) { got = m.Ledger() })
	if got.Registry != e.Registry() {
		t.Fatalf("registry after a refused Configure = %s, want %s", got.Registry.Hex(), e.Registry().Hex())
	}
}

// otherRegistry is a backend that claims another registry: a misconfiguration.
type otherRegistry struct {
	Backend
	registry common.Address
}

func (o *otherRegistry) Registry() common.Address { return o.registry }

func TestAnchorerRefusesAnotherRegistry(t *testing.T) {
	e, n := configuredChain(t)
	other := &otherRegistry{Backend: e, registry: common.HexToAddress("0x00000000000000000000000000000000005cf0c5")}
	if err := NewAnchorer(n, other, fastAnchoring()).Run(context.Background()); err == nil || !strings.Contains(err.Error(), "another chain or registry") {
		t.Fatalf("Run on another registry = %v, want the misbinding error", err)
	}
}
