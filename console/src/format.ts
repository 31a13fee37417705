// SPDX-License-Identifier: Apache-2.0
// Amounts are integer fen and rates integer basis points on the wire (docs/api.md,
// "Conventions"); the page shows yuan with separators and % a year, and parses what
// a person types back into integers without ever going through a float.

import { h } from "./dom";
import { t } from "./i18n";

function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

// yuan renders fen as ¥1,234,567.89.
export function yuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return "—";
  const neg = fen < 0;
  const s = String(Math.abs(Math.trunc(fen))).padStart(3, "0");
  const out = "¥" + group(s.slice(0, -2)) + "." + s.slice(-2);
  return neg ? "-" + out : out;
}

// parseYuan reads "1,234.5" as 123450 fen; null when it is not an amount.
export function parseYuan(text: string): number | null {
  const s = text.trim().replace(/[,，\s¥￥]/g, "");
  const m = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
}

// pct renders bps as "3.85%", the bps on hover.
export function rate(bps: number | null | undefined): HTMLElement | string {
  if (bps === null || bps === undefined) return "—";
  return h("span", { class: "rate", title: `${bps} bps` }, pct(bps));
}

export function pct(bps: number): string {
  return (Math.trunc(bps / 100) + "." + String(Math.abs(bps) % 100).padStart(2, "0")) + "%";
}

// parsePct reads "3.85" (% a year) as 385 bps; null when it is not a rate.
export function parsePct(text: string): number | null {
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?\s*%?$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
}

// date shows an API date or instant as YYYY-MM-DD.
export function date(s: string | null | undefined): string {
  return s ? s.slice(0, 10) : "—";
}

// today is the UTC date, the matcher's day.
export function today(offsetDays = 0): string {
  return new Date(Date.now() + offsetDays * 86400000).toISOString().slice(0, 10);
}

export function short(hex: string | null | undefined): string {
  if (!hex) return "—";
  return hex.length > 14 ? hex.slice(0, 8) + "…" + hex.slice(-6) : hex;
}

export function status(s: string): HTMLElement {
  const cls: Record<string, string> = {
    pending_confirmation: "warn", confirmed: "info", financeable: "good", listed: "info", matched: "info",
    funded: "good", settled: "good", overdue: "bad", rejected_duplicate: "bad", transferred: "",
    resting: "info", live: "good", cancelled: "", rejected: "bad", credited: "", repaid: "good", recourse: "bad", written_off: "bad",
  };
  return h("span", { class: "badge " + (cls[s] ?? ""), "data-status": s }, t("st." + s));
}
