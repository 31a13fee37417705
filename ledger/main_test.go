// SPDX-License-Identifier: Apache-2.0

package ledger

import (
	"fmt"
	"os"
	"testing"
)

// childEnv, when set, makes the test binary a child process that runs the embedded
// chain and an anchorer in the directory it names until it is killed (see
// TestEmbeddedSurvivesSIGKILL).
const childEnv = "SCFX_LEDGER_CHILD"

func TestMain(m *testing.M) {
	if dir := os.Getenv(childEnv); dir != "" {
		runChild(dir)
		return
	}
	os.Exit(m.Run())
}

// tb is what the test helpers need of a test; testing.TB has it, and so does the
// child process's childTB.
type tb interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
	Cleanup(func())
}

// childTB is a tb for the child process: a fatal error ends it with status 2.
type childTB struct{}

func (childTB) Helper()                 {}
func (childTB) Cleanup(func())          {}
func (childTB) Fatal(args ...any)       { fmt.Fprintln(os.Stderr, args...); os.Exit(2) }
func (childTB) Logf(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) }
func (childTB) Fatalf(f string, a ...any) {
	fmt.Fprintf(os.Stderr, f+"\n", a...)
	os.Exit(2)
}
