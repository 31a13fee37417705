// SPDX-License-Identifier: Apache-2.0
// The lender: post and cancel offers (rates by band or a curve), its lines' use, the
// matches to fund, what it has funded, and the books of the cores it lends on.

import { all, del, get, id, post } from "./api";
import { card, proofCard } from "./common";
import { rowAction, rowForm } from "./core";
import { h, table } from "./dom";
import { FieldError, form } from "./forms";
import { date, rate, status, yuan } from "./format";
import { t } from "./i18n";
import { bps, money } from "./sme";
import { name, ofRole, state, type Match, type Offer, type Receivable } from "./state";

interface Book {
  core_id: string;
  listings: { band: string; amount: number; tenor_days: number; tier: number }[];
  quotes: { band: string; best_rate_bps: number; offers: number; available: number }[];
}

function int(field: string, text: string, min: number, max: number): number {
  if (!/^\d{1,7}$/.test(text) || Number(text) < min || Number(text) > max) throw new FieldError(field, t("err.int") + ` ${min}–${max}`);
  return Number(text);
}

export async function lenderView(rerender: () => void): Promise<HTMLElement[]> {
  const [offers, matches] = await Promise.all([all<Offer>("/v1/offers"), all<Match>("/v1/matches")]);
  const cores = ofRole("core");
  const bookCores = [...new Set(offers.filter((o) => o.status === "live").map((o) => o.core_id))];
  const books = await Promise.all(bookCores.map((c) => get<Book>(`/v1/books/${id(c)}`)));

  const offerForm = form(
    "offer",
    [
      { name: "core_id", label: t("f.core"), type: "select", options: cores.map((c) => [c.id, c.name]) },
      { name: "line_amount", label: t("f.line_yuan"), placeholder: "10,000,000.00" },
      { name: "mode", label: t("f.pricing"), type: "select", options: [["bands", t("f.bands")], ["curve", t("f.curve")]] },
      { name: "rate_a", label: t("f.rate_a"), placeholder: "3.85", hint: t("f.rate_hint") },
      { name: "rate_b", label: t("f.rate_b"), optional: true },
      { name: "rate_c", label: t("f.rate_c"), optional: true },
      { name: "base_bps", label: t("f.curve_base"), optional: true },
      { name: "bps_per_100_points", label: t("f.curve_step"), optional: true },
      { name: "max_bps", label: t("f.curve_max"), optional: true },
      { name: "max_tenor_days", label: t("f.max_tenor"), value: "180" },
      { name: "min_score", label: t("f.min_score"), optional: true },
      { name: "late_rate_bps", label: t("f.late_rate_pct"), optional: true, placeholder: "8.00", hint: t("f.late_rate_hint") },
      { name: "recourse", label: t("f.recourse"), type: "select", options: [["false", t("no")], ["true", t("yes")]], hint: t("f.recourse_hint") },
    ],
    t("lender.post"),
    async (v) => {
      const body: Record<string, unknown> = {
        core_id: v.core_id,
        line_amount: money("line_amount", v.line_amount),
        max_tenor_days: int("max_tenor_days", v.max_tenor_days, 1, 3650),
      };
      if (v.mode === "curve") {
        body.rate_curve = {
          base_bps: bps("base_bps", v.base_bps),
          bps_per_100_points: bps("bps_per_100_points", v.bps_per_100_points),
          max_bps: bps("max_bps", v.max_bps),
        };
      } else {
        const r: Record<string, number> = { A: bps("rate_a", v.rate_a) };
        if (v.rate_b) r.B = bps("rate_b", v.rate_b);
        if (v.rate_c) r.C = bps("rate_c", v.rate_c);
        body.rates_bps = r;
      }
      if (v.min_score) body.min_score = int("min_score", v.min_score, 0, 1000);
      if (v.late_rate_bps) body.late_rate_bps = bps("late_rate_bps", v.late_rate_bps);
      if (v.recourse === "true") body.recourse = true;
      const o = await post<Offer & { matches: Match[] }>("/v1/offers", body);
      state.notice = t("lender.posted") + (o.matches.length ? ` · ${o.matches.length} ${t("lender.new_matches")}` : "");
      rerender();
    },
  );
  // A problem about rates_bps.A names the band's field.
  for (const [f, alias] of [["rate_a", "rates_bps rates_bps.A"], ["rate_b", "rates_bps.B"], ["rate_c", "rates_bps.C"], ["base_bps", "rate_curve rate_curve.base_bps"], ["bps_per_100_points", "rate_curve.bps_per_100_points"], ["max_bps", "rate_curve.max_bps"]]) {
    offerForm.querySelector(`[data-err="${f}"]`)?.setAttribute("data-err-alias", alias);
  }

  const rates = (o: Offer) =>
    o.rates_bps
      ? h("span", {}, "A ", rate(o.rates_bps.A), o.rates_bps.B ? [" · B ", rate(o.rates_bps.B)] : null, o.rates_bps.C ? [" · C ", rate(o.rates_bps.C)] : null)
      : o.rate_curve
        ? h("span", {}, rate(o.rate_curve.base_bps), " +", rate(o.rate_curve.bps_per_100_points), "/100 ≤ ", rate(o.rate_curve.max_bps))
        : "—";
  const offersCard = card(
    "sec-offers",
    t("lender.offers"),
    table(
      [t("f.core"), t("f.line"), t("f.used"), t("f.reserved"), t("f.available"), t("f.rates"), t("f.late_rate"), t("f.recourse"), t("f.status"), ""],
      offers.map((o) => [
        name(o.core_id),
        yuan(o.line_amount),
        yuan(o.used),
        yuan(o.reserved),
        yuan(o.available),
        rates(o),
        o.late_rate_bps ? rate(o.late_rate_bps) : "—",
        o.recourse ? t("yes") : t("no"),
        status(o.status),
        o.status === "live" ? h("button", { type: "button", "data-cancel": o.id, onclick: () => del(`/v1/offers/${id(o.id)}`).then(rerender, (e) => alert(String(e))) }, t("cancel")) : "",
      ]),
      t("none"),
      "offers",
    ),
    h("h3", {}, t("lender.post")),
    offerForm,
  );

  const toFund = matches.filter((m) => m.status === "matched");
  const fund = (m: Match) =>
    rowAction(
      "fund-" + m.id,
      t("lender.fund"),
      async (reference) => {
        await post(`/v1/matches/${id(m.id)}/fund`, { reference });
        state.notice = t("lender.funded") + " " + yuan(m.advance);
        rerender();
      },
      true,
    );
  const fundCard = card(
    "sec-fund",
    t("lender.to_fund"),
    table(
      [t("f.holder"), t("f.debtor"), t("f.amount"), t("f.rate"), t("f.days"), t("f.advance"), ""],
      toFund.map((m) => [name(m.holder_id), name(m.debtor_id), yuan(m.amount), rate(m.rate_bps), String(m.days), yuan(m.advance), fund(m)]),
      t("lender.nothing_to_fund"),
      "to-fund",
    ),
  );
  // Servicing what it funded: the receipt of a repayment (partial allowed); on an
  // overdue fill, recourse (only where the offer had it) or a write-off.
  const rcvs = await all<Receivable>("/v1/receivables");
  const invoiceOf = new Map(rcvs.map((r) => [r.id, r.invoice_number]));
  const open = matches.filter((m) => m.status === "funded" || m.status === "overdue");
  const receive = (m: Match) =>
    rowForm("repay-" + m.id, ["amount", "reference"], t("lender.receive"), async (v) => {
      const amount = money("amount", v.amount);
      const got = await post<Match>(`/v1/matches/${id(m.id)}/repayments`, { amount, reference: v.reference });
      state.notice = t("lender.received") + " " + yuan(amount) + (got.status === "repaid" ? " · " + t("st.repaid") : "");
      rerender();
    });
  const endOverdue = (m: Match) =>
    m.status !== "overdue"
      ? null
      : rowForm("end-" + m.id, ["reason"], t("lender.write_off"), async (v) => {
          await post(`/v1/matches/${id(m.id)}/write-off`, { reason: v.reason });
          state.notice = t("lender.written_off");
          rerender();
        }, "");
  const recourse = (m: Match) =>
    m.status === "overdue" && m.recourse
      ? rowForm("recourse-" + m.id, ["reason"], t("lender.recourse"), async (v) => {
          await post(`/v1/matches/${id(m.id)}/recourse`, { reason: v.reason });
          state.notice = t("lender.recoursed") + " " + name(m.holder_id);
          rerender();
        }, "")
      : null;
  const serviceCard = card(
    "sec-service",
    t("lender.service"),
    h("p", { class: "hint" }, t("lender.service_hint")),
    table(
      [t("f.invoice"), t("f.holder"), t("f.debtor"), t("f.amount"), t("f.due_principal"), t("f.late_interest"), t("f.core_paid"), t("f.status"), ""],
      open.map((m) => [
        invoiceOf.get(m.receivable_id) ?? m.receivable_id,
        name(m.holder_id),
        name(m.debtor_id),
        yuan(m.amount),
        yuan(m.outstanding - (m.late_interest - (m.late_interest_paid ?? 0))),
        m.late_interest ? yuan(m.late_interest) : "—",
        yuan(m.paid),
        status(m.status),
        h("div", { class: "row-stack" }, receive(m), recourse(m), endOverdue(m)),
      ]),
      t("lender.nothing_to_service"),
      "to-service",
    ),
  );

  const done = matches.filter((m) => m.status !== "matched");
  const bookCard = card(
    "sec-book",
    t("lender.book"),
    table(
      [t("f.holder"), t("f.debtor"), t("f.amount"), t("f.rate"), t("f.advance"), t("f.funded_on"), t("f.repaid"), t("f.seller_owes"), t("f.status")],
      done.map((m) => [
        name(m.holder_id),
        name(m.debtor_id),
        yuan(m.amount),
        rate(m.rate_bps),
        yuan(m.advance),
        date(m.created_at),
        yuan(m.repaid),
        m.seller_owes ? yuan(m.seller_owes) : "—",
        status(m.status),
      ]),
      t("none"),
      "funded",
    ),
    books.map((b) =>
      h(
        "div",
        { class: "book" },
        h("h3", {}, t("lender.market") + " · " + name(b.core_id)),
        table(
          [t("band"), t("lender.best"), t("lender.lines"), t("f.available")],
          b.quotes.map((q) => [q.band, rate(q.best_rate_bps), String(q.offers), yuan(q.available)]),
          t("none"),
        ),
        h("p", { class: "hint" }, `${t("lender.resting")}: ${b.listings.length} · ${yuan(b.listings.reduce((s, l) => s + l.amount, 0))}`),
      ),
    ),
  );
  return [fundCard, serviceCard, offersCard, bookCard, proofCard([])];
}
