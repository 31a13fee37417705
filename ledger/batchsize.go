// SPDX-License-Identifier: Apache-2.0

package ledger

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/params"

	"github.com/scfx/scfx/contracts"
	"github.com/scfx/scfx/matcher"
)

// registerProbe is the size of the register whose estimated gas, against that of a
// register of one, gives a chain's gas per new fingerprint.
const registerProbe = 8

// RegisterBatch is how many fingerprints one register transaction of the anchorer
// should carry on b's chain (AnchorerConfig.RegisterBatch): as many as fit, with a
// tenth to spare, in the chain's block gas limit and in the per-transaction cap
// (EIP-7825), at the gas this chain charges per new fingerprint — at most
// matcher.MaxRegisterBatch. A batch that does not fit would be refused at every
// attempt and registrations would stall for good: chains price storage differently
// (geth --dev's experimental fork charges several times what a released fork does).
// It asks the chain until it answers or ctx ends; 0 (the anchorer's default) when ctx
// ended first or b is not an Ethereum client.
func RegisterBatch(ctx context.Context, b Backend, log *slog.Logger) int {
	c, ok := b.(interface{ Client() *ethclient.Client })
	if !ok {
		return 0
	}
	for wait := time.Second; ; wait = min(2*wait, 30*time.Second) {
		n, err := fitRegisterBatch(ctx, c.Client(), b.Sender(), b.Registry())
		if err == nil {
			if n < matcher.MaxRegisterBatch {
				log.Info("register batch sized to the chain's gas limits", "fingerprints", n)
			}
			return n
		}
		log.Warn("sizing the register batch: retrying", "err", err, "backoff", wait)
		select {
		case <-ctx.Done():
			return 0
		case <-time.After(wait):
		}
	}
}

// fitRegisterBatch estimates registers of 1 and registerProbe new (random)
// fingerprints from the sender and fits a batch into the gas a transaction may use.
func fitRegisterBatch(ctx context.Context, client *ethclient.Client, from, registry common.Address) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	head, err := client.HeaderByNumber(ctx, nil)
	if err != nil {
		return 0, err
	}
	one, err := estimateRegister(ctx, client, from, registry, 1)
	if err != nil {
		return 0, err
	}
	probe, err := estimateRegister(ctx, client, from, registry, registerProbe)
	if err != nil {
		return 0, err
	}
	return fitBatch(one, probe, head.GasLimit), nil
}

// estimateRegister is the gas a register of k new (random) fingerprints would use.
func estimateRegister(ctx context.Context, client *ethclient.Client, from, registry common.Address, k int) (uint64, error) {
	fps, refs := make([][32]byte, k), make([][32]byte, k)
	for i := range fps {
		_, _ = rand.Read(fps[i][:]) // crypto/rand.Read never fails
		_, _ = rand.Read(refs[i][:])
	}
	data := contracts.NewScfxRegistry().PackRegister(fps, refs)
	gas, err := client.EstimateGas(ctx, ethereum.CallMsg{From: from, To: &registry, Data: data})
	if err != nil {
		return 0, fmt.Errorf("estimate register of %d: %w", k, err)
	}
	return gas, nil
}

// fitBatch is the register size whose gas fits nine tenths of what one transaction
// may use in a block of gasLimit, given the gas of a register of one and of
// registerProbe fingerprints: at least 1, at most matcher.MaxRegisterBatch.
func fitBatch(one, probe, gasLimit uint64) int {
	perFingerprint := max(1, (probe-min(probe, one))/(registerProbe-1))
	room := min(gasLimit, params.MaxTxGas) * 9 / 10
	if one >= room {
		return 1
	}
	return int(min(1+(room-one)/perFingerprint, matcher.MaxRegisterBatch))
}
