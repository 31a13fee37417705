// SPDX-License-Identifier: Apache-2.0
// The SME: upload a receivable, see its receivables and their scores in words,
// transfer a part to its own supplier (signed here), list for financing at a rate in
// % a year, cancel a listing, see its matches and the money received.

import { all, del, get, id, post } from "./api";
import { card, keyCard, proofCard } from "./common";
import { h, table } from "./dom";
import { FieldError, form } from "./forms";
import { date, parsePct, parseYuan, rate, status, today, yuan } from "./format";
import { t } from "./i18n";
import { randomSalt, sign, type TypedData } from "./sign";
import { name, ofRole, state, type Listing, type Match, type Receivable } from "./state";

export function money(field: string, text: string): number {
  const fen = parseYuan(text);
  if (fen === null || fen <= 0) throw new FieldError(field, t("err.yuan"));
  return fen;
}

export function bps(field: string, text: string): number {
  const v = parsePct(text);
  if (v === null) throw new FieldError(field, t("err.pct"));
  return v;
}

// scoreWords explains a score component in a sentence of the page's language.
function scoreWords(r: Receivable): HTMLElement {
  return h(
    "div",
    { class: "score-box", id: "score-" + r.id },
    h("p", {}, h("strong", {}, t("score") + " " + r.score + " / 1000 · " + t("band") + " " + r.score_band)),
    h(
      "ul",
      {},
      r.score_components.map((c) => h("li", {}, h("strong", {}, t("sc." + c.name)), ` +${c.value} — `, h("span", { lang: "en" }, c.reason))),
    ),
  );
}

export async function smeView(rerender: () => void): Promise<HTMLElement[]> {
  const me = state.me!;
  const [rcvs, listings, matches] = await Promise.all([
    all<Receivable>("/v1/receivables"),
    all<Listing>("/v1/listings"),
    all<Match>("/v1/matches"),
  ]);
  const mine = rcvs.filter((r) => r.holder_id === me.id);
  const usable = mine.filter((r) => r.status === "financeable" && r.remaining > 0);
  const cores = ofRole("core");
  const smes = ofRole("sme").filter((d) => d.id !== me.id && d.address);

  const upload = form(
    "upload",
    [
      { name: "debtor_id", label: t("f.debtor"), type: "select", options: cores.map((c) => [c.id, c.name]) },
      { name: "invoice_number", label: t("f.invoice"), placeholder: "INV-2026-0001", hint: t("f.invoice_hint") },
      { name: "amount", label: t("f.amount_yuan"), placeholder: "1,234,567.89" },
      { name: "issue_date", label: t("f.issue"), type: "date", value: today() },
      { name: "due_date", label: t("f.due"), type: "date", value: today(120) },
    ],
    t("sme.upload"),
    async (v) => {
      const amount = money("amount", v.amount);
      await post("/v1/receivables", { ...v, amount, currency: "CNY" });
      rerender();
    },
  );

  const rows = mine.map((r) => [
    r.invoice_number,
    String(r.tier),
    name(r.debtor_id),
    yuan(r.amount),
    yuan(r.remaining),
    date(r.due_date),
    r.status === "rejected" ? h("span", {}, status(r.status), " ", h("small", { class: "reason", "data-reject": r.id }, r.reject_reason ?? "")) : status(r.status),
    h(
      "button",
      {
        type: "button",
        class: "link",
        "aria-expanded": String(state.scoreOf === r.id),
        "data-score": r.id,
        onclick: () => ((state.scoreOf = state.scoreOf === r.id ? "" : r.id), rerender()),
      },
      `${r.score} · ${r.score_band}`,
    ),
    r.credited ? yuan(r.credited) : "—",
  ]);
  const open = mine.find((r) => r.id === state.scoreOf);
  const rcvCard = card(
    "sec-receivables",
    t("sme.receivables"),
    table(
      [t("f.invoice"), t("tier"), t("f.debtor"), t("f.amount"), t("f.remaining"), t("f.due"), t("f.status"), t("score"), t("f.credited")],
      rows,
      t("none"),
      "receivables",
    ),
    open ? scoreWords(open) : h("p", { class: "hint" }, t("sme.score_hint")),
  );

  const rcvOptions = usable.map((r) => [r.id, `${r.invoice_number} · ${t("tier")} ${r.tier} · ${yuan(r.remaining)}`] as [string, string]);
  const transfer = form(
    "transfer",
    [
      { name: "receivable", label: t("f.receivable"), type: "select", options: rcvOptions },
      { name: "to_id", label: t("f.to_address"), placeholder: "0x…", list: smes.map((d) => [d.address!, d.name]), hint: t("f.to_hint") },
      { name: "amount", label: t("f.amount_yuan") },
    ],
    t("sme.transfer"),
    async (v) => {
      if (!v.receivable) throw new FieldError("receivable", t("err.required"));
      const to = smes.find((d) => d.address!.toLowerCase() === v.to_id.toLowerCase() || d.id === v.to_id || d.name === v.to_id);
      if (!to) throw new FieldError("to_id", t("err.to"));
      const amount = money("amount", v.amount);
      const salt = randomSalt();
      const td = await get<TypedData>(
        `/v1/receivables/${id(v.receivable)}/transfers/typed-data?to_id=${id(to.id)}&amount=${amount}&salt=${salt}`,
      );
      const signature = await sign(td);
      await post(`/v1/receivables/${id(v.receivable)}/transfers`, { to_id: to.id, amount, salt, signature });
      state.notice = t("sme.transferred") + " " + to.name;
      rerender();
    },
  );

  const list = form(
    "list",
    [
      { name: "receivable", label: t("f.receivable"), type: "select", options: rcvOptions },
      { name: "max_rate_bps", label: t("f.max_rate"), placeholder: "5.00", hint: t("f.rate_hint") },
    ],
    t("sme.list"),
    async (v) => {
      if (!v.receivable) throw new FieldError("receivable", t("err.required"));
      const max_rate_bps = bps("max_rate_bps", v.max_rate_bps);
      const res = await post<{ match: Match | null }>(`/v1/receivables/${id(v.receivable)}/listings`, { max_rate_bps });
      state.notice = res.match ? t("sme.matched") : t("sme.resting");
      rerender();
    },
  );

  const byId = new Map(rcvs.map((r) => [r.id, r]));
  const listCard = card(
    "sec-listings",
    t("sme.listings"),
    table(
      [t("f.invoice"), t("f.amount"), t("f.max_rate"), t("band"), t("f.listed_on"), ""],
      listings.map((l) => [
        byId.get(l.receivable_id)?.invoice_number ?? l.receivable_id,
        yuan(l.amount),
        rate(l.max_rate_bps),
        l.score_band,
        date(l.created_at),
        h("button", { type: "button", "data-cancel": l.id, onclick: () => del(`/v1/listings/${id(l.id)}`).then(rerender, (e) => alert(String(e))) }, t("cancel")),
      ]),
      t("sme.no_listings"),
      "listings",
    ),
    h("h3", {}, t("sme.list")),
    list,
  );

  const mine2 = matches.filter((m) => m.holder_id === me.id);
  const received = mine2.filter((m) => ["funded", "settled", "overdue", "repaid", "recourse", "written_off"].includes(m.status)).reduce((s, m) => s + m.advance, 0);
  const matchCard = card(
    "sec-matches",
    t("sme.matches"),
    h("p", { class: "total", id: "received" }, t("sme.received") + " ", h("strong", {}, yuan(received))),
    table(
      [t("f.invoice"), t("f.lender"), t("f.amount"), t("f.rate"), t("f.days"), t("f.advance"), t("f.status")],
      mine2.map((m) => [byId.get(m.receivable_id)?.invoice_number ?? m.receivable_id, name(m.lender_id), yuan(m.amount), rate(m.rate_bps), String(m.days), yuan(m.advance), status(m.status)]),
      t("none"),
      "matches",
    ),
  );

  // Servicing: what credit notes took off its receivables (dilution), what it owes
  // lenders back (a credit note on a financed part, or recourse), what the core paid.
  const mineIds = new Set(mine.map((r) => r.id));
  const myFills = new Set(mine2.map((m) => m.id));
  const diluted = rcvs.flatMap((r) =>
    (r.credit_notes ?? []).flatMap((n) =>
      n.allocations.filter((a) => mineIds.has(a.receivable_id) || (a.match_id !== null && myFills.has(a.match_id))).map((a) => ({ r, n, a })),
    ),
  );
  const creditCard = card(
    "sec-credit",
    t("sme.credit"),
    h("p", { class: "hint" }, t("sme.credit_hint")),
    table(
      [t("f.invoice"), t("f.date"), t("f.reason"), t("sme.note"), t("sme.on_mine"), t("f.receivable")],
      diluted.map(({ r, n, a }) => {
        const mine1 = byId.get(a.receivable_id);
        return [
          r.invoice_number,
          date(n.created_at),
          n.reason,
          yuan(n.amount),
          yuan(a.amount),
          (mine1 ? `${t("tier")} ${mine1.tier}` : a.receivable_id) + (a.match_id ? ` · ${t("sme.financed_part")}` : ""),
        ];
      }),
      t("none"),
      "dilution",
    ),
  );
  const owes = mine2.filter((m) => m.seller_owes > 0);
  const owesCard = card(
    "sec-owes",
    t("sme.owes"),
    h("p", { class: "total", id: "owes" }, t("sme.owes_total") + " ", h("strong", {}, yuan(owes.reduce((s, m) => s + m.seller_owes, 0)))),
    table(
      [t("f.invoice"), t("f.lender"), t("f.amount"), t("f.dilution"), t("f.seller_owes"), t("f.status")],
      owes.map((m) => [byId.get(m.receivable_id)?.invoice_number ?? m.receivable_id, name(m.lender_id), yuan(m.amount), yuan(m.dilution), yuan(m.seller_owes), status(m.status)]),
      t("sme.owes_none"),
      "owes",
    ),
  );
  const paid = mine.flatMap((r) => (r.payments ?? []).filter((p) => p.match_id === null).map((p) => ({ r, p })));
  const paidCard = card(
    "sec-paid",
    t("sme.paid"),
    table(
      [t("f.invoice"), t("tier"), t("f.debtor"), t("f.amount"), t("f.reference"), t("f.date")],
      paid.map(({ r, p }) => [r.invoice_number, String(r.tier), name(r.debtor_id), yuan(p.amount), p.reference, date(p.created_at)]),
      t("none"),
      "paid",
    ),
  );

  return [
    rcvCard,
    card("sec-upload", t("sme.upload"), upload),
    card("sec-transfer", t("sme.transfer"), h("p", { class: "hint" }, t("sme.transfer_hint")), transfer),
    listCard,
    matchCard,
    paidCard,
    creditCard,
    owesCard,
    keyCard(rerender),
    proofCard(rcvs),
  ];
}
