#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The walk-through of docs/api.md, which prints this script whole; CI runs it
# (go test ./docs). From the repository root, after make build:
#
#   bash docs/walkthrough.sh
#
# It starts bin/scfx serve on a new temporary data directory and stops it at the end,
# unless API, OP and RPC name a running server. docs/api.md says what the other
# settings (SCFX, WORK, PORT, CHAIN_PORT, WAIT) do.
set -euo pipefail
shopt -s inherit_errexit

SCFX=${SCFX:-bin/scfx}
WORK=${WORK:-$(mktemp -d -t scfx-walk.XXXXXX)}
WAIT=${WAIT:-60}
[ -x "$SCFX" ] || { echo "no $SCFX: run make build first, or set SCFX to an scfx binary" >&2; exit 1; }
for tool in curl jq od; do
  command -v "$tool" >/dev/null || { echo "$tool is missing (Debian: apt-get install $tool)" >&2; exit 1; }
done
mkdir -p "$WORK"
echo "work directory: $WORK"

# RUN makes this run's USCCs, invoice numbers and Idempotency-Keys its own, so the
# script can run again against the same server.
RUN=$(( $(od -An -N4 -tu4 /dev/urandom) % 1000000 )); printf -v RUN '%06d' "$RUN"
TODAY=$(date -u +%F); DUE=$(date -u -d '+120 days' +%F)   # GNU date

# No API given: start a server of our own, and stop it (by its PID) when the script ends.
if [ -z "${API:-}" ]; then
  PORT=${PORT:-8080}; CHAIN_PORT=${CHAIN_PORT:-8545}
  "$SCFX" serve --addr "127.0.0.1:$PORT" --data-dir "$WORK/data" \
    --chain-http "127.0.0.1:$CHAIN_PORT" >"$WORK/serve.log" 2>&1 &
  SERVER=$!
  trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true' EXIT
  trap 'exit 130' INT TERM
  API=http://127.0.0.1:$PORT
  RPC=http://127.0.0.1:$CHAIN_PORT
  deadline=$((SECONDS + WAIT))
  until curl -sf "$API/readyz" >/dev/null; do
    if ! kill -0 "$SERVER" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
      echo "the server did not become ready; its log:" >&2; cat "$WORK/serve.log" >&2; exit 1
    fi
    sleep 0.2
  done
  OP=$(cat "$WORK/data/admin.token")
  echo "server: $API (pid $SERVER), chain JSON-RPC: $RPC, log: $WORK/serve.log"
fi
: "${OP:?set OP to the operator token of the server at API}"
: "${RPC:?set RPC to the chain JSON-RPC URL of the server at API (its --chain-http)}"

# get TOKEN PATH, post TOKEN PATH KEY BODY, patch TOKEN PATH KEY BODY: the answer's
# JSON on stdout. A status of 400 or more is printed on stderr and stops the script.
# Each write carries an Idempotency-Key ($RUN-KEY), so a step can be retried safely.
call() {
  local method=$1 token=$2 path=$3 out status
  local args=(-sS -X "$method" "$API$path" -H "Authorization: Bearer $token" -w '\n%{http_code}')
  if [ $# -gt 3 ]; then
    args+=(-H "Idempotency-Key: $RUN-$4" -H 'Content-Type: application/json' -d "$5")
  fi
  out=$(curl "${args[@]}") || return 1
  status=${out##*$'\n'}; out=${out%$'\n'*}
  if [ "$status" -ge 400 ]; then echo "$method $path: HTTP $status $out" >&2; return 1; fi
  printf '%s\n' "$out"
}
get() { call GET "$@"; }
post() { call POST "$@"; }
patch() { call PATCH "$@"; }

# wait_status TOKEN RECEIVABLE STATUS: poll until the receivable has STATUS; fail
# after WAIT seconds.
wait_status() {
  local deadline=$((SECONDS + WAIT)) status
  while :; do
    status=$(get "$1" "/v1/receivables/$2" | jq -r .status) || return 1
    [ "$status" != "$3" ] || return 0
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "$2 is still $status after ${WAIT}s, want $3" >&2; return 1
    fi
    sleep 0.2
  done
}

# uscc FIRST17: a unified social credit code, the 17 characters and their GB 32100-2015
# check digit.
uscc() {
  local cs=0123456789ABCDEFGHJKLMNPQRTUWXY w=(1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28) s=0 i c
  for i in {0..16}; do c=${cs%%"${1:i:1}"*}; s=$((s + ${#c} * w[i])); done
  echo "$1${cs:$(((31 - s % 31) % 31)):1}"
}

# salt: 32 random bytes in hex, 0x-prefixed.
salt() { echo "0x$(head -c32 /dev/urandom | od -An -tx1 | tr -d ' \n')"; }

#### The walk-through: an invoice from upload to payment, passed to tier 3 on the way.

# Operator: a certified cluster.
CLU=$(post "$OP" /v1/clusters clu-1 '{"name":"宁波汽车零部件产业集群","county_code":"330206","level":"national","industry":"汽车零部件","valid_until":"2029-12-31"}' | jq -r .id)

# Each signing party makes its own key (keygen prints the address and never
# overwrites a file): the core, and the suppliers at tiers 1, 2 and 3.
CORE_ADDR=$("$SCFX" keygen --out "$WORK/core.key")
SME1_ADDR=$("$SCFX" keygen --out "$WORK/sme1.key")
SME2_ADDR=$("$SCFX" keygen --out "$WORK/sme2.key")
SME3_ADDR=$("$SCFX" keygen --out "$WORK/sme3.key")

# Operator: onboard them and a lender. Keep each token: it is shown only once.
CORE_JSON=$(post "$OP" /v1/participants par-core "$(jq -nc --arg uscc "$(uscc "91330206MA${RUN}1")" --arg addr "$CORE_ADDR" \
  '{name:"甬海汽车集团股份有限公司", uscc:$uscc, role:"core", address:$addr, rating:"AAA"}')")
CORE_ID=$(jq -r .id <<<"$CORE_JSON"); CORE=$(jq -r .token <<<"$CORE_JSON")
SME1_JSON=$(post "$OP" /v1/participants par-sme1 "$(jq -nc --arg uscc "$(uscc "91330206MA${RUN}2")" --arg addr "$SME1_ADDR" --arg clu "$CLU" \
  '{name:"宁波北仑精工汽车零部件有限公司", uscc:$uscc, role:"sme", address:$addr, cluster_id:$clu, certification:"specialized", certification_valid_until:"2028-06-30"}')")
SME1_ID=$(jq -r .id <<<"$SME1_JSON"); SME1=$(jq -r .token <<<"$SME1_JSON")
SME2_JSON=$(post "$OP" /v1/participants par-sme2 "$(jq -nc --arg uscc "$(uscc "91330206MA${RUN}3")" --arg addr "$SME2_ADDR" \
  '{name:"宁波甬信精密模具有限公司", uscc:$uscc, role:"sme", address:$addr, certification:"innovative", certification_valid_until:"2028-06-30"}')")
SME2_ID=$(jq -r .id <<<"$SME2_JSON"); SME2=$(jq -r .token <<<"$SME2_JSON")
SME3_JSON=$(post "$OP" /v1/participants par-sme3 "$(jq -nc --arg uscc "$(uscc "92330281MA${RUN}4")" --arg addr "$SME3_ADDR" \
  '{name:"余姚市恒达五金冲压厂", uscc:$uscc, role:"sme", address:$addr}')")
SME3_ID=$(jq -r .id <<<"$SME3_JSON"); SME3=$(jq -r .token <<<"$SME3_JSON")
LENDER_JSON=$(post "$OP" /v1/participants par-lender "$(jq -nc --arg uscc "$(uscc "91330200MA${RUN}5")" \
  '{name:"东海银行宁波分行", uscc:$uscc, role:"lender"}')")
LENDER=$(jq -r .token <<<"$LENDER_JSON")
echo "onboarded: core $CORE_ID, SMEs $SME1_ID $SME2_ID $SME3_ID, lender $(jq -r .id <<<"$LENDER_JSON")"

# Tier-1 SME: the invoice, ¥1,000,000.00 (100000000 fen) due in 120 days.
RCV1=$(post "$SME1" /v1/receivables inv-1 "$(jq -nc --arg debtor "$CORE_ID" --arg inv "INV-$RUN-1" --arg issue "$TODAY" --arg due "$DUE" \
  '{debtor_id:$debtor, invoice_number:$inv, amount:100000000, currency:"CNY", issue_date:$issue, due_date:$due}')" | jq -r .id)

# Core: sign the confirmation (EIP-712) with core.key and send it.
get "$CORE" "/v1/receivables/$RCV1/typed-data" >"$WORK/confirm-td.json"
SIG=$("$SCFX" sign --key "$WORK/core.key" --in "$WORK/confirm-td.json")
post "$CORE" "/v1/receivables/$RCV1/confirm" confirm-1 "{\"signature\":\"$SIG\"}" | jq -r .status   # confirmed
# The anchorer registers the fingerprint and anchors the confirmation on chain:
# then the receivable is financeable.
wait_status "$SME1" "$RCV1" financeable
echo "tier 1: $RCV1 financeable"

# transfer FROM_TOKEN FROM_KEY_FILE RECEIVABLE TO_ID AMOUNT KEY: the holder signs a
# Transfer of AMOUNT fen to its supplier (fresh salt each time) and sends it; prints
# the child receivable's id.
transfer() {
  local salt sig
  salt=$(salt)
  get "$1" "/v1/receivables/$3/transfers/typed-data?to_id=$4&amount=$5&salt=$salt" >"$WORK/$6-td.json"
  sig=$("$SCFX" sign --key "$2" --in "$WORK/$6-td.json")
  post "$1" "/v1/receivables/$3/transfers" "$6" \
    "{\"to_id\":\"$4\",\"amount\":$5,\"salt\":\"$salt\",\"signature\":\"$sig\"}" | jq -r .id
}

# Tier 1 passes ¥400,000.00 to its supplier (tier 2), signed with sme1.key; tier 2
# passes ¥150,000.00 of that to its own supplier (tier 3), signed with sme2.key. Each
# child is financeable once its transfer is anchored.
RCV2=$(transfer "$SME1" "$WORK/sme1.key" "$RCV1" "$SME2_ID" 40000000 transfer-1)
wait_status "$SME2" "$RCV2" financeable
RCV3=$(transfer "$SME2" "$WORK/sme2.key" "$RCV2" "$SME3_ID" 15000000 transfer-2)
wait_status "$SME3" "$RCV3" financeable
get "$SME3" "/v1/receivables/$RCV3" | jq -c '{id, tier, amount, status, score, score_band}'

# Lender: a line of ¥50,000,000.00 on the core, priced by score band.
post "$LENDER" /v1/offers offer-1 "$(jq -nc --arg core "$CORE_ID" \
  '{core_id:$core, line_amount:5000000000, rates_bps:{A:350, B:450, C:600}, max_tenor_days:180}')" | jq -c '{id, status}'

# Tier-3 SME: list its claim, accepting up to 8% a year; the match comes back at once.
MAT=$(post "$SME3" "/v1/receivables/$RCV3/listings" list-3 '{"max_rate_bps":800}' | jq -r '.match.id // empty')
[ -n "$MAT" ] || { echo "the tier-3 listing was not matched" >&2; exit 1; }

# Lender: pay out the advance, then record it; the claim is assigned to the lender.
post "$LENDER" "/v1/matches/$MAT/fund" "fund-$MAT" '{"reference":"SWIFT-0001"}' | jq -c '{id, status, amount, rate_bps, days, discount, advance}'

# Anyone party to it can check the tier-3 transfer on chain without trusting scfx:
# scfx verify exits 0 when the proof holds, 1 when it does not, 2 when it could not check.
get "$SME3" "/v1/receivables/$RCV3/proof?kind=transfer" >"$WORK/rcv3-transfer-proof.json"
"$SCFX" verify --rpc "$RPC" --in "$WORK/rcv3-transfer-proof.json"
jq '.leaf = "0x" + "11" * 32' "$WORK/rcv3-transfer-proof.json" >"$WORK/tampered-proof.json"
rc=0; "$SCFX" verify --rpc "$RPC" --in "$WORK/tampered-proof.json" 2>/dev/null || rc=$?
[ "$rc" = 1 ] || { echo "scfx verify of a tampered proof exited $rc, want 1" >&2; exit 1; }
echo "verify: a tampered proof does not hold (exit 1)"

# The tier-3 SME's whole lineage: every hop back to the core's signature, each signed,
# anchored and conserving money; scfx verify --lineage checks them all.
get "$SME3" "/v1/receivables/$RCV3/lineage" >"$WORK/rcv3-lineage.json"
"$SCFX" verify --rpc "$RPC" --lineage "$WORK/rcv3-lineage.json"

# Core: goods came back. A credit note of ¥10,000.00 (EIP-712 CreditNote, signed like
# the confirmation) reduces what it owes; it comes off the tier-1 part nobody financed
# (docs/api.md, "Credit notes").
CN_SALT=$(salt)
get "$CORE" "/v1/receivables/$RCV1/credit-notes/typed-data?amount=1000000&reason=returned&salt=$CN_SALT" >"$WORK/credit-note-td.json"
SIG=$("$SCFX" sign --key "$WORK/core.key" --in "$WORK/credit-note-td.json")
LEFT=$(post "$CORE" "/v1/receivables/$RCV1/credit-notes" credit-note-1 \
  "{\"amount\":1000000,\"reason\":\"returned\",\"salt\":\"$CN_SALT\",\"signature\":\"$SIG\"}" | jq -r .remaining)
[ "$LEFT" = 59000000 ]   # ¥600,000.00 held by tier 1, less the note
echo "credit note: $RCV1 now holds $LEFT fen"

# Core, at maturity (or earlier): paid. The invoice, its fragments and the match settle,
# and the lender's line is released.
post "$CORE" "/v1/receivables/$RCV1/settle" settle-1 '{"reference":"PAY-0001"}' | jq -r .status   # settled
[ "$(get "$SME3" "/v1/receivables/$RCV3" | jq -r .status)" = settled ]
[ "$(get "$LENDER" "/v1/matches/$MAT" | jq -r .status)" = settled ]
echo "settled: $RCV1, its fragments $RCV2 (tier 2) and $RCV3 (tier 3), and match $MAT"

#### Partial fills, rate curves and call auctions.

# invoice NUMBER AMOUNT: the tier-1 SME uploads another invoice on the core, the core
# confirms it as above; prints its id once it is financeable.
invoice() {
  local id
  id=$(post "$SME1" /v1/receivables "inv-$1" "$(jq -nc --arg debtor "$CORE_ID" --arg inv "INV-$RUN-$1" --arg issue "$TODAY" --arg due "$DUE" --argjson amount "$2" \
    '{debtor_id:$debtor, invoice_number:$inv, amount:$amount, currency:"CNY", issue_date:$issue, due_date:$due}')" | jq -r .id)
  get "$CORE" "/v1/receivables/$id/typed-data" >"$WORK/confirm-$1-td.json"
  post "$CORE" "/v1/receivables/$id/confirm" "confirm-$1" \
    "{\"signature\":\"$("$SCFX" sign --key "$WORK/core.key" --in "$WORK/confirm-$1-td.json")\"}" >/dev/null
  wait_status "$SME1" "$id" financeable
  echo "$id"
}

# A second lender prices by score instead of by band: 3.00% at score 1000, +0.20% per
# 100 points below, at most 6.00%; its line is ¥300,000.00.
LENDER2=$(post "$OP" /v1/participants par-lender2 "$(jq -nc --arg uscc "$(uscc "91330200MA${RUN}6")" \
  '{name:"甬江农村商业银行", uscc:$uscc, role:"lender"}')" | jq -r .token)
post "$LENDER2" /v1/offers offer-2 "$(jq -nc --arg core "$CORE_ID" \
  '{core_id:$core, line_amount:30000000, rate_curve:{base_bps:300, bps_per_100_points:20, max_bps:600}, max_tenor_days:180}')" | jq -c '{id, status}'

# Tier-1 SME: list ¥1,000,000.00, accepting fills of at least ¥200,000.00 from several
# lenders, cheapest first; what no line takes rests.
RCV4=$(invoice 2 100000000)
LISTED=$(post "$SME1" "/v1/receivables/$RCV4/listings" list-4 '{"max_rate_bps":800,"min_fill_fen":20000000}')
jq -c '{filled: .listing.filled, resting: .listing.resting, fills: [.matches[] | {lender_id, amount, rate_bps, quote_reason}]}' <<<"$LISTED"
[ "$(jq '.matches | length' <<<"$LISTED")" = 2 ] || { echo "want two fills: the curve's line, then the band line" >&2; exit 1; }

# Operator: clear this core's book by call auction instead of first come, first served.
patch "$OP" "/v1/books/$CORE_ID" book-auction '{"mode":"auction"}' | jq -c '{core_id, mode}'
# Listings (and offers) now rest until the book is cleared:
RCV5=$(invoice 3 50000000)
post "$SME1" "/v1/receivables/$RCV5/listings" list-5 '{"max_rate_bps":800}' | jq -c '.listing | {id, status, resting}'
AUCTION=$(post "$OP" "/v1/books/$CORE_ID/auctions" auction-1 '{}')
jq -c '{fills, volume, discount, saving, bound, gap_ppm, exact}' <<<"$AUCTION"
[ "$(jq .fills <<<"$AUCTION")" -ge 1 ] || { echo "the auction filled nothing" >&2; exit 1; }
patch "$OP" "/v1/books/$CORE_ID" book-continuous '{"mode":"continuous"}' >/dev/null

echo "walk-through done"
