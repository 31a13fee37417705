// SPDX-License-Identifier: Apache-2.0

package contracts_test

import (
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/scfx/scfx/contracts"
)

// adminEvent is an admin-transfer or role event in a form that tests can compare.
type adminEvent struct {
	Name    string
	Account common.Address // new admin (scheduled), or the account granted or revoked a role
	Role    common.Hash
}

func (e *env) adminEvents(r *types.Receipt) []adminEvent {
	e.t.Helper()
	var out []adminEvent
	for _, log := range r.Logs {
		if ev, err := e.reg.UnpackDefaultAdminTransferScheduledEvent(log); err == nil {
			out = append(out, adminEvent{Name: "Scheduled", Account: ev.NewAdmin})
		} else if _, err := e.reg.UnpackDefaultAdminTransferCanceledEvent(log); err == nil {
			out = append(out, adminEvent{Name: "Canceled"})
		} else if ev, err := e.reg.UnpackRoleGrantedEvent(log); err == nil {
			out = append(out, adminEvent{Name: "RoleGranted", Account: ev.Account, Role: ev.Role})
		} else if ev, err := e.reg.UnpackRoleRevokedEvent(log); err == nil {
			out = append(out, adminEvent{Name: "RoleRevoked", Account: ev.Account, Role: ev.Role})
		} else {
			e.t.Fatalf("unexpected log with topics %v", log.Topics)
		}
	}
	return out
}

func (e *env) defaultAdmin() common.Address {
	e.t.Helper()
	a, err := bind.Call(e.registry, nil, e.reg.PackDefaultAdmin(), e.reg.UnpackDefaultAdmin)
	if err != nil {
		e.t.Fatalf("defaultAdmin: %v", err)
	}
	return a
}

func (e *env) pendingAdmin() (common.Address, uint64) {
	e.t.Helper()
	p, err := bind.Call(e.registry, nil, e.reg.PackPendingDefaultAdmin(), e.reg.UnpackPendingDefaultAdmin)
	if err != nil {
		e.t.Fatalf("pendingDefaultAdmin: %v", err)
	}
	return p.NewAdmin, p.Schedule.Uint64()
}

func (e *env) hasRole(role common.Hash, a account) bool {
	e.t.Helper()
	ok, err := bind.Call(e.registry, nil, e.reg.PackHasRole(role, a.addr), e.reg.UnpackHasRole)
	if err != nil {
		e.t.Fatalf("hasRole: %v", err)
	}
	return ok
}

// waitAdminDelay mines an empty block more than DefaultAdminDelay after the head, so
// that a transfer begun before it can be accepted (a schedule must be in the past).
func (e *env) waitAdminDelay() {
	e.t.Helper()
	// AdjustTime wants an empty transaction pool, and the pool drops the transactions
	// of the last block asynchronously after it is mined.
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := e.sim.AdjustTime(contracts.DefaultAdminDelay + time.Second)
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("AdjustTime: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// wantDelayRevert checks that got is AccessControlEnforcedDefaultAdminDelay with
// the given schedule.
func wantDelayRevert(t *testing.T, what string, got any, schedule uint64) {
	t.Helper()
	typed, ok := got.(*contracts.ScfxRegistryAccessControlEnforcedDefaultAdminDelay)
	if !ok || typed.Schedule == nil || !typed.Schedule.IsUint64() || typed.Schedule.Uint64() != schedule {
		t.Errorf("%s: reverted with %T %+v, want AccessControlEnforcedDefaultAdminDelay{Schedule: %d}", what, got, got, schedule)
	}
}

func (e *env) blockTime(r *types.Receipt) uint64 {
	e.t.Helper()
	h, err := e.client.HeaderByNumber(e.ctx, r.BlockNumber)
	if err != nil {
		e.t.Fatalf("HeaderByNumber: %v", err)
	}
	return h.Time
}

// The admin begins, the new account accepts once the delay has passed, and from then
// on only the new account is admin.
func TestAdminTransfer(t *testing.T) {
	e := newEnv(t, &osaka)
	admin, next, other := e.platformA, e.outsider, e.platformB

	delay, err := bind.Call(e.registry, nil, e.reg.PackDefaultAdminDelay(), e.reg.UnpackDefaultAdminDelay)
	if err != nil || delay.Uint64() != uint64(contracts.DefaultAdminDelay/time.Second) {
		t.Fatalf("defaultAdminDelay() = %v, %v; want %d", delay, err, contracts.DefaultAdminDelay/time.Second)
	}
	if got := e.defaultAdmin(); got != admin.addr {
		t.Fatalf("defaultAdmin() = %s, want the deployer %s", got, admin.addr)
	}

	r := e.send(admin, e.reg.PackBeginDefaultAdminTransfer(next.addr))
	wantAdminEvents(t, "begin", e.adminEvents(r), []adminEvent{{Name: "Scheduled", Account: next.addr}})
	schedule := e.blockTime(r) + uint64(contracts.DefaultAdminDelay/time.Second)
	if to, at := e.pendingAdmin(); to != next.addr || at != schedule {
		t.Errorf("pendingDefaultAdmin() = %s at %d, want %s at %d", to, at, next.addr, schedule)
	}

	// Nobody but the pending admin accepts, and not before the delay has passed.
	wantRevert(t, "accept by another account", e.revert(other, e.reg.PackAcceptDefaultAdminTransfer()),
		&contracts.ScfxRegistryAccessControlInvalidDefaultAdmin{DefaultAdmin: other.addr})
	wantRevert(t, "accept by the old admin", e.revert(admin, e.reg.PackAcceptDefaultAdminTransfer()),
		&contracts.ScfxRegistryAccessControlInvalidDefaultAdmin{DefaultAdmin: admin.addr})
	wantDelayRevert(t, "accept before the delay", e.revert(next, e.reg.PackAcceptDefaultAdminTransfer()), schedule)
	if got := e.defaultAdmin(); got != admin.addr {
		t.Errorf("defaultAdmin() before accept = %s, want %s", got, admin.addr)
	}

	e.waitAdminDelay()
	wantRevert(t, "accept by another account after the delay", e.revert(other, e.reg.PackAcceptDefaultAdminTransfer()),
		&contracts.ScfxRegistryAccessControlInvalidDefaultAdmin{DefaultAdmin: other.addr})
	r = e.send(next, e.reg.PackAcceptDefaultAdminTransfer())
	wantAdminEvents(t, "accept", e.adminEvents(r), []adminEvent{
		{Name: "RoleRevoked", Account: admin.addr, Role: contracts.DefaultAdminRole},
		{Name: "RoleGranted", Account: next.addr, Role: contracts.DefaultAdminRole},
	})
	if got := e.defaultAdmin(); got != next.addr {
		t.Errorf("defaultAdmin() after accept = %s, want %s", got, next.addr)
	}
	if to, at := e.pendingAdmin(); to != (common.Address{}) || at != 0 {
		t.Errorf("pendingDefaultAdmin() after accept = %s at %d, want none", to, at)
	}
	if e.hasRole(contracts.DefaultAdminRole, admin) || !e.hasRole(contracts.DefaultAdminRole, next) {
		t.Errorf("hasRole(DEFAULT_ADMIN_ROLE): old admin %v, new admin %v; want false, true",
			e.hasRole(contracts.DefaultAdminRole, admin), e.hasRole(contracts.DefaultAdminRole, next))
	}
	// The other roles stay where they were: the new admin revokes them if it wants.
	if !e.hasRole(contracts.RegistrarRole, admin) || e.hasRole(contracts.RegistrarRole, next) {
		t.Errorf("REGISTRAR_ROLE after the transfer: old admin %v, new admin %v; want true, false",
			e.hasRole(contracts.RegistrarRole, admin), e.hasRole(contracts.RegistrarRole, next))
	}

	// The old admin can no longer grant roles; the new one can.
	wantRevert(t, "grantRole by the old admin", e.revert(admin, e.reg.PackGrantRole(contracts.AnchorerRole, other.addr)),
		&contracts.ScfxRegistryAccessControlUnauthorizedAccount{Account: admin.addr, NeededRole: contracts.DefaultAdminRole})
	wantRevert(t, "begin by the old admin", e.revert(admin, e.reg.PackBeginDefaultAdminTransfer(admin.addr)),
		&contracts.ScfxRegistryAccessControlUnauthorizedAccount{Account: admin.addr, NeededRole: contracts.DefaultAdminRole})
	e.send(next, e.reg.PackGrantRole(contracts.AnchorerRole, other.addr))
	if !e.hasRole(contracts.AnchorerRole, other) {
		t.Errorf("hasRole(ANCHORER_ROLE, platformB) after the new admin granted it = false")
	}
}

// The admin cancels a pending transfer, or replaces it by beginning another; only the
// admin may do either.
func TestAdminTransferCancelAndReplace(t *testing.T) {
	e := newEnv(t, &osaka)
	admin, next, other := e.platformA, e.outsider, e.platformB

	e.send(admin, e.reg.PackBeginDefaultAdminTransfer(next.addr))
	wantRevert(t, "cancel by the pending admin", e.revert(next, e.reg.PackCancelDefaultAdminTransfer()),
		&contracts.ScfxRegistryAccessControlUnauthorizedAccount{Account: next.addr, NeededRole: contracts.DefaultAdminRole})
	wantRevert(t, "begin by a non-admin", e.revert(other, e.reg.PackBeginDefaultAdminTransfer(other.addr)),
		&contracts.ScfxRegistryAccessControlUnauthorizedAccount{Account: other.addr, NeededRole: contracts.DefaultAdminRole})
	r := e.send(admin, e.reg.PackCancelDefaultAdminTransfer())
	wantAdminEvents(t, "cancel", e.adminEvents(r), []adminEvent{{Name: "Canceled"}})
	if to, at := e.pendingAdmin(); to != (common.Address{}) || at != 0 {
		t.Errorf("pendingDefaultAdmin() after cancel = %s at %d, want none", to, at)
	}
	e.waitAdminDelay()
	wantRevert(t, "accept after cancel", e.revert(next, e.reg.PackAcceptDefaultAdminTransfer()),
		&contracts.ScfxRegistryAccessControlInvalidDefaultAdmin{DefaultAdmin: next.addr})

	// Beginning again replaces the pending transfer: the first account can no longer
	// accept, the second can once its own delay has passed.
	e.send(admin, e.reg.PackBeginDefaultAdminTransfer(next.addr))
	r = e.send(admin, e.reg.PackBeginDefaultAdminTransfer(other.addr))
	wantAdminEvents(t, "begin over a pending transfer", e.adminEvents(r),
		[]adminEvent{{Name: "Canceled"}, {Name: "Scheduled", Account: other.addr}})
	if to, _ := e.pendingAdmin(); to != other.addr {
		t.Errorf("pendingDefaultAdmin() = %s, want %s", to, other.addr)
	}
	e.waitAdminDelay()
	wantRevert(t, "accept by the replaced account", e.revert(next, e.reg.PackAcceptDefaultAdminTransfer()),
		&contracts.ScfxRegistryAccessControlInvalidDefaultAdmin{DefaultAdmin: next.addr})
	e.send(other, e.reg.PackAcceptDefaultAdminTransfer())
	if got := e.defaultAdmin(); got != other.addr {
		t.Errorf("defaultAdmin() = %s, want %s", got, other.addr)
	}
}

// There is exactly one admin at all times: it is not granted, revoked or renounced
// like the other roles, and a transfer to the zero address is refused.
func TestAdminRules(t *testing.T) {
	e := newEnv(t, &osaka)
	admin, other := e.platformA, e.platformB
	enforced := &contracts.ScfxRegistryAccessControlEnforcedDefaultAdminRules{}

	wantRevert(t, "begin to the zero address", e.revert(admin, e.reg.PackBeginDefaultAdminTransfer(common.Address{})),
		&contracts.ScfxRegistryAccessControlInvalidDefaultAdmin{DefaultAdmin: common.Address{}})
	wantRevert(t, "grant a second admin", e.revert(admin, e.reg.PackGrantRole(contracts.DefaultAdminRole, other.addr)), enforced)
	wantRevert(t, "revoke the admin", e.revert(admin, e.reg.PackRevokeRole(contracts.DefaultAdminRole, admin.addr)), enforced)

	// Renouncing the admin role needs a pending transfer to the zero address, which
	// cannot be begun: with nothing pending, or with a transfer to another account
	// pending, it is refused.
	renounce := e.reg.PackRenounceRole(contracts.DefaultAdminRole, admin.addr)
	wantDelayRevert(t, "renounce the admin role", e.revert(admin, renounce), 0)
	e.send(admin, e.reg.PackBeginDefaultAdminTransfer(other.addr))
	_, schedule := e.pendingAdmin()
	e.waitAdminDelay()
	wantDelayRevert(t, "renounce the admin role with a transfer pending", e.revert(admin, renounce), schedule)
	if got := e.defaultAdmin(); got != admin.addr || !e.hasRole(contracts.DefaultAdminRole, admin) {
		t.Errorf("defaultAdmin() = %s, want %s still holding DEFAULT_ADMIN_ROLE", got, admin.addr)
	}

	// The other roles are renounced as with AccessControl, by their holder only.
	wantRevert(t, "renounce for someone else", e.revert(other, e.reg.PackRenounceRole(contracts.RegistrarRole, admin.addr)),
		&contracts.ScfxRegistryAccessControlBadConfirmation{})
	e.send(admin, e.reg.PackRenounceRole(contracts.RegistrarRole, admin.addr))
	if e.hasRole(contracts.RegistrarRole, admin) {
		t.Errorf("hasRole(REGISTRAR_ROLE, admin) after renouncing it = true")
	}

}

// With a delay of 0 the new admin still accepts only in a block later than the
// begin: one in the same block is refused.
func TestAdminTransferNoDelay(t *testing.T) {
	e := newEnv(t, &osaka)
	addr, tx, err := contracts.DeployRegistry(e.opts(e.platformA), e.client, e.platformA.addr, 0)
	if err != nil {
		t.Fatalf("DeployRegistry: %v", err)
	}
	e.sim.Commit()
	e.receipt(tx)
	e.registry = e.reg.Instance(e.client, addr)

	// The accept goes with a fixed gas limit: estimated before the begin is mined, it
	// would be refused by the node instead of mined.
	transact := func(from account, data []byte) *types.Transaction {
		opts := e.opts(from)
		opts.GasLimit = 200_000
		tx, err := bind.Transact(e.registry, opts, data)
		if err != nil {
			t.Fatalf("Transact: %v", err)
		}
		return tx
	}
	begin := transact(e.platformA, e.reg.PackBeginDefaultAdminTransfer(e.outsider.addr))
	accept := transact(e.outsider, e.reg.PackAcceptDefaultAdminTransfer())
	e.sim.Commit()
	rb := e.receipt(begin)
	ra, err := e.client.TransactionReceipt(e.ctx, accept.Hash())
	if err != nil {
		t.Fatalf("TransactionReceipt: %v", err)
	}
	if ra.BlockNumber.Cmp(rb.BlockNumber) != 0 || ra.Status != types.ReceiptStatusFailed {
		t.Errorf("accept in block %v, status %d; want block %v (the begin's), status %d",
			ra.BlockNumber, ra.Status, rb.BlockNumber, types.ReceiptStatusFailed)
	}
	if _, at := e.pendingAdmin(); at != e.blockTime(rb) {
		t.Errorf("pendingDefaultAdmin() schedule = %d, want the begin block's time %d", at, e.blockTime(rb))
	}

	tx = transact(e.outsider, e.reg.PackAcceptDefaultAdminTransfer())
	e.sim.Commit()
	e.receipt(tx)
	if got := e.defaultAdmin(); got != e.outsider.addr {
		t.Errorf("defaultAdmin() = %s, want %s", got, e.outsider.addr)
	}
}

func wantAdminEvents(t *testing.T, what string, got, want []adminEvent) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: events = %+v, want %+v", what, got, want)
		return
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("%s: events = %+v, want %+v", what, got, want)
			return
		}
	}
}
