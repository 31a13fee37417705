// SPDX-License-Identifier: Apache-2.0

package ledger

import (
	"crypto/ecdsa"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/scfx/scfx/internal/fsutil"
)

// Files this package keeps in the data directory (docs/operations.md §2).
const (
	platformIDFile   = "platform.id"      // <data-dir>/platform.id
	chainDirName     = "chain"            // <data-dir>/chain: the embedded chain
	operatorKeyFile  = "operator.key"     // <data-dir>/chain/operator.key
	registryAddrFile = "registry.address" // <data-dir>/chain/registry.address (embedded), <data-dir>/registry.address (RPC)
	// maxSmallFileBytes bounds what we read from a key, id or address file: each holds
	// one hex value and a newline.
	maxSmallFileBytes = 4 << 10
)

// readSmallFile reads a file of one hex value, trimmed; ok is false if it does not exist.
func readSmallFile(path string) (s string, ok bool, err error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	defer f.Close()
	buf := make([]byte, maxSmallFileBytes+1)
	n, err := f.Read(buf)
	if err != nil && n == 0 {
		return "", false, fmt.Errorf("read %s: %w", path, err)
	}
	if n > maxSmallFileBytes {
		return "", false, fmt.Errorf("%s is larger than %d bytes", path, maxSmallFileBytes)
	}
	return strings.TrimSpace(string(buf[:n])), true, nil
}

// LoadKeyFile reads a secp256k1 private key kept as hex, with or without 0x
// (--eth-key-file).
func LoadKeyFile(path string) (*ecdsa.PrivateKey, error) {
	s, ok, err := readSmallFile(path)
	if err != nil {
		return nil, fmt.Errorf("ledger: key file: %w", err)
	}
	if !ok {
		return nil, fmt.Errorf("ledger: key file %s does not exist", path)
	}
	key, err := crypto.HexToECDSA(strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X"))
	if err != nil {
		// The error never quotes the file: it holds a secret.
		return nil, fmt.Errorf("ledger: key file %s: not one hex secp256k1 private key", path)
	}
	return key, nil
}

// loadOrCreateKey reads the key at path, or makes one and keeps it there (0600).
func loadOrCreateKey(path string) (*ecdsa.PrivateKey, error) {
	if _, err := os.Stat(path); err == nil {
		return LoadKeyFile(path)
	}
	key, err := crypto.GenerateKey()
	if err != nil {
		return nil, fmt.Errorf("ledger: generate operator key: %w", err)
	}
	hexKey := hexutil.Encode(crypto.FromECDSA(key)) + "\n"
	if err := fsutil.WriteFileAtomic(path, []byte(hexKey), 0o600); err != nil {
		return nil, fmt.Errorf("ledger: keep operator key: %w", err)
	}
	return key, nil
}

// readAddressFile reads an address kept as hex; ok is false if the file does not exist.
func readAddressFile(path string) (common.Address, bool, error) {
	s, ok, err := readSmallFile(path)
	if err != nil || !ok {
		return common.Address{}, ok, err
	}
	if !common.IsHexAddress(s) {
		return common.Address{}, false, fmt.Errorf("ledger: %s does not hold an address", path)
	}
	return common.HexToAddress(s), true, nil
}

func writeAddressFile(path string, a common.Address) error {
	return fsutil.WriteFileAtomic(path, []byte(a.Hex()+"\n"), 0o600)
}

// PlatformID returns this platform's id, kept in <data-dir>/platform.id; the first call
// on a data directory makes a random one. The id prefixes every registry ref the
// platform registers (matcher.RegistryRef), so that another platform's claim on the
// same invoice shows up as a Duplicate. A replica that joins an existing journal must
// use the platform already in the matcher's state instead (see Configure).
func PlatformID(dataDir string) (common.Hash, error) {
	path := filepath.Join(dataDir, platformIDFile)
	s, ok, err := readSmallFile(path)
	if err != nil {
		return common.Hash{}, fmt.Errorf("ledger: platform id: %w", err)
	}
	if ok {
		b, err := hexutil.Decode(s)
		if err != nil || len(b) != common.HashLength || common.BytesToHash(b) == (common.Hash{}) {
			return common.Hash{}, fmt.Errorf("ledger: %s does not hold 0x and 32 non-zero bytes of hex", path)
		}
		return common.BytesToHash(b), nil
	}
	return newPlatformID(path)
}

func newPlatformID(path string) (common.Hash, error) {
	var id common.Hash
	// The ref keeps the id's first 8 bytes only (matcher.RegistryRef): make sure those
	// are not all zero, or our refs would look like another platform's zero prefix.
	for id[0]|id[1]|id[2]|id[3]|id[4]|id[5]|id[6]|id[7] == 0 {
		if _, err := rand.Read(id[:]); err != nil {
			return common.Hash{}, fmt.Errorf("ledger: platform id: %w", err)
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return common.Hash{}, fmt.Errorf("ledger: platform id: %w", err)
	}
	if err := fsutil.WriteFileAtomic(path, []byte(id.Hex()+"\n"), 0o600); err != nil {
		return common.Hash{}, fmt.Errorf("ledger: keep platform id: %w", err)
	}
	return id, nil
}

// keepPlatformID writes id to <data-dir>/platform.id unless the file holds it already.
func keepPlatformID(dataDir string, id common.Hash) error {
	path := filepath.Join(dataDir, platformIDFile)
	if s, ok, err := readSmallFile(path); err == nil && ok && strings.EqualFold(s, id.Hex()) {
		return nil
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return err
	}
	return fsutil.WriteFileAtomic(path, []byte(id.Hex()+"\n"), 0o600)
}
