// SPDX-License-Identifier: Apache-2.0

package client_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/scfx/scfx/api/wire"
	"github.com/scfx/scfx/client"
)

// A bank's integration: post a credit line on a core enterprise, then fund the
// fills it gets.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	bank := client.New("http://127.0.0.1:8080", os.Getenv("SCFX_TOKEN"))

	offer, err := bank.PostOffer(ctx, wire.PostOfferRequest{
		CoreID: "par_1", LineAmount: 2_000_000_000, MaxTenorDays: 180, // fen: ¥20m
		RatesBps: &wire.Rates{A: 340, B: 410, C: 520},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("offer", offer.ID, "available", offer.Available)

	matches, err := client.Collect(ctx, 100, bank.Matches)
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range matches {
		if m.Status != "matched" {
			continue
		}
		// Pay m.Advance to the holder, then record the payment's reference.
		if _, err := bank.Fund(ctx, m.ID, wire.ReferenceRequest{Reference: "PAYOUT-" + m.ID}); err != nil {
			log.Fatal(err)
		}
	}
}

// A core enterprise confirms an invoice its supplier uploaded: the client fetches
// the EIP-712 Confirmation, checks it, signs it with the core's key and posts it.
func ExampleClient_SignConfirmation() {
	ctx := context.Background()
	key, err := crypto.LoadECDSA("core.key") // the key behind the core's registered address
	if err != nil {
		log.Fatal(err)
	}
	core := client.New("http://127.0.0.1:8080", os.Getenv("SCFX_TOKEN"))
	r, err := core.SignConfirmation(ctx, "rcv_1", key)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.ID, r.Status, r.Confirmation.Signer)
}

// An SME passes part of a receivable it holds to its own supplier.
func ExampleClient_SignTransfer() {
	ctx := context.Background()
	key, err := crypto.LoadECDSA("sme.key")
	if err != nil {
		log.Fatal(err)
	}
	sme := client.New("http://127.0.0.1:8080", os.Getenv("SCFX_TOKEN"))
	part, err := sme.SignTransfer(ctx, "rcv_1", "par_7", 240_000_000, key)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("tier", part.Tier, "part", part.ID)
}

// Errors are *client.Problem: the status, the stable code and, for
// validation_failed, the fields at fault.
func ExampleProblem() {
	ctx := context.Background()
	sme := client.New("http://127.0.0.1:8080", os.Getenv("SCFX_TOKEN"))
	_, err := sme.SubmitReceivable(ctx, wire.SubmitReceivableRequest{
		DebtorID: "par_1", InvoiceNumber: "INV-1", Amount: 860_000_000, Currency: "CNY",
		IssueDate: "2026-01-05", DueDate: "2026-05-05",
	})
	var p *client.Problem
	switch {
	case errors.As(err, &p) && p.Code == "duplicate_invoice":
		fmt.Println("already financed elsewhere:", p.Detail)
	case errors.As(err, &p) && p.Code == "validation_failed":
		for _, f := range p.Errors {
			fmt.Println(f.Field, f.Message)
		}
	case err != nil:
		log.Fatal(err)
	}
}

// Every attempt of every call can be traced; the retry of a POST carries the same
// Idempotency-Key as its first attempt.
func ExampleWithHook() {
	c := client.New("http://127.0.0.1:8080", os.Getenv("SCFX_TOKEN"),
		client.WithAttempts(5),
		client.WithHook(func(e client.Exchange) {
			log.Printf("%s %s (key %q, attempt %d) = %d in %s", e.Method, e.Path, e.IdempotencyKey, e.Attempt, e.Status, e.Elapsed)
		}))
	ctx := client.WithIdempotencyKey(context.Background(), "settle-INV-1")
	if _, err := c.Settle(ctx, "rcv_1", wire.ReferenceRequest{Reference: "PAY-1"}); err != nil {
		log.Fatal(err)
	}
}
