// SPDX-License-Identifier: Apache-2.0
// Who is signed in, the directory of names, and the few things a view keeps between
// renders (a token shown once, the receivable whose score is open).

import { all } from "./api";

export type Role = "operator" | "sme" | "core" | "lender";

export interface Me {
  role: Role;
  id: string;
  name: string;
  address: string | null;
}

export interface DirEntry {
  id: string;
  name: string;
  role: string;
  address: string | null;
  status: string;
}

export interface Receivable {
  id: string;
  parent_id: string | null;
  tier: number;
  creditor_id: string;
  holder_id: string;
  assignee_id: string | null;
  debtor_id: string;
  invoice_number: string;
  amount: number;
  remaining: number;
  issue_date: string;
  due_date: string;
  status: string;
  score: number;
  score_band: string;
  score_components: { name: string; value: number; reason: string }[];
  confirmation: { signer: string; confirmed_at: string } | null;
  // Servicing (docs/api.md, "Servicing").
  reject_reason: string | null;
  credited: number;
  paid_to_holder: number;
  credit_notes: CreditNote[];
  payments: Payment[];
}

export interface Allocation {
  receivable_id: string;
  match_id: string | null;
  amount: number;
}

export interface CreditNote {
  amount: number;
  reason: string;
  allocations: Allocation[];
  created_at: string;
}

export interface Payment {
  match_id: string | null;
  amount: number;
  reference: string;
  created_at: string;
}

export interface Match {
  id: string;
  listing_id: string;
  receivable_id: string;
  offer_id: string;
  lender_id: string;
  holder_id: string;
  debtor_id: string;
  amount: number;
  rate_bps: number;
  days: number;
  discount: number;
  advance: number;
  status: string;
  reference: string | null;
  created_at: string;
  late_rate_bps: number;
  recourse: boolean;
  dilution: number;
  paid: number;
  repaid: number;
  rebate: number;
  late_interest: number;
  late_interest_paid: number;
  outstanding: number;
  seller_owes: number;
  written_off: number;
  repayments: { amount: number; interest: number; principal: number; reference: string; created_at: string }[];
  closed_at: string | null;
}

export interface Listing {
  id: string;
  receivable_id: string;
  amount: number;
  max_rate_bps: number;
  status: string;
  score_band: string;
  created_at: string;
}

export interface Offer {
  id: string;
  core_id: string;
  line_amount: number;
  rates_bps: { A: number; B?: number; C?: number } | null;
  rate_curve: { base_bps: number; bps_per_100_points: number; max_bps: number } | null;
  max_tenor_days: number;
  min_score: number;
  used: number;
  reserved: number;
  available: number;
  status: string;
  late_rate_bps: number;
  recourse: boolean;
}

export const state = {
  me: null as Me | null,
  dir: new Map<string, DirEntry>(),
  newToken: null as { name: string; token: string } | null,
  scoreOf: "",
  historyOf: "",
  notice: "",
};

export async function loadDirectory(): Promise<void> {
  const items = await all<DirEntry>("/v1/directory");
  state.dir = new Map(items.map((d) => [d.id, d]));
}

// name is a participant's name; its id only if the directory does not know it.
export function name(id: string | null | undefined): string {
  if (!id) return "—";
  return state.dir.get(id)?.name ?? id;
}

export function ofRole(role: string): DirEntry[] {
  return [...state.dir.values()].filter((d) => d.role === role && d.status === "active");
}
