// SPDX-License-Identifier: Apache-2.0

package replica

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

// An anchorer that stops in embedded mode makes Ready fail — the node would confirm
// nothing more — naming why.
func TestAnchorerStoppedIsNotReady(t *testing.T) {
	s := &Replica{log: slog.New(slog.DiscardHandler)}
	s.anchorStopped(errors.New("ledger: registry at 0x5cf0c5 is bound to chain 1, not 1337"))
	err := s.Ready(context.Background())
	if err == nil || !strings.Contains(err.Error(), "anchorer stopped") || !strings.Contains(err.Error(), "bound to chain") {
		t.Fatalf("Ready() = %v, want the anchorer's failure", err)
	}
}
