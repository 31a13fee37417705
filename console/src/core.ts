// SPDX-License-Identifier: Apache-2.0
// The core enterprise: a queue of invoices to confirm, each confirmed by signing the
// server's EIP-712 typed data here; settlement at maturity; its exposure.

import { all, get, id, post } from "./api";
import { card, keyCard, proofCard } from "./common";
import { h, table } from "./dom";
import { FieldError, form, showError, clearErrors } from "./forms";
import { date, rate, status, yuan } from "./format";
import { t } from "./i18n";
import { randomSalt, sign, type TypedData } from "./sign";
import { money } from "./sme";
import { name, state, type Allocation, type Match, type Receivable } from "./state";

// rowAction is a button (and an optional reference field) whose errors show in the
// row itself.
function rowAction(key: string, label: string, run: (ref: string) => Promise<void>, withRef: boolean): HTMLElement {
  return rowForm(key, withRef ? ["reference"] : [], label, (v) => run(v.reference ?? ""));
}

// rowForm is a row's own small form: text fields (each required, named as in the
// request so that a problem+json error lands by it), a button, the errors in the row.
// A field's id is KEY-ref for the reference, KEY-NAME for the others.
function rowForm(key: string, fields: string[], label: string, run: (v: Record<string, string>) => Promise<void>, cls = "primary"): HTMLElement {
  const box = h("div", { class: "row-action" });
  const inputs = fields.map(
    (f) =>
      h("input", { type: "text", name: f, "data-field": f, "aria-label": t(f === "amount" ? "f.amount_yuan" : "f." + f), placeholder: t(f === "amount" ? "f.amount_yuan" : "f." + f), id: key + (f === "reference" ? "-ref" : "-" + f) }) as HTMLInputElement,
  );
  const btn = h("button", { type: "button", class: cls, id: key }, label) as HTMLButtonElement;
  btn.addEventListener("click", async () => {
    clearErrors(box);
    btn.disabled = true;
    try {
      const v: Record<string, string> = {};
      for (const i of inputs) {
        v[i.name] = i.value.trim();
        if (!v[i.name]) throw new FieldError(i.name, t("err.required"));
      }
      await run(v);
    } catch (e) {
      showError(box, e);
    } finally {
      btn.disabled = false;
    }
  });
  box.append(...inputs, btn, ...fields.map((f) => h("p", { class: "field-err", "data-err": f, role: "alert" })), h("p", { class: "problem", role: "alert", hidden: true }));
  return box;
}

export { rowAction, rowForm };

export async function coreView(rerender: () => void): Promise<HTMLElement[]> {
  const me = state.me!;
  const [rcvs, matches] = await Promise.all([all<Receivable>("/v1/receivables"), all<Match>("/v1/matches")]);
  const owed = rcvs.filter((r) => r.debtor_id === me.id);
  const queue = owed.filter((r) => r.status === "pending_confirmation");
  const tier1 = owed.filter((r) => r.parent_id === null && !["pending_confirmation", "settled", "rejected_duplicate", "rejected", "credited"].includes(r.status));
  const byId = new Map(rcvs.map((r) => [r.id, r]));
  const invoiceOf = (rid: string) => byId.get(rid)?.invoice_number ?? rid;

  const confirm = (r: Receivable) =>
    rowAction(
      "confirm-" + r.id,
      t("core.confirm"),
      async () => {
        const td = await get<TypedData>(`/v1/receivables/${id(r.id)}/typed-data`);
        const signature = await sign(td);
        await post(`/v1/receivables/${id(r.id)}/confirm`, { signature });
        state.notice = t("core.confirmed") + " " + r.invoice_number;
        rerender();
      },
      false,
    );
  // Refusing is the other answer to an invoice in the queue: a reason, then terminal.
  const reject = (r: Receivable) =>
    rowForm(
      "reject-" + r.id,
      ["reason"],
      t("core.reject"),
      async (v) => {
        await post(`/v1/receivables/${id(r.id)}/reject`, { reason: v.reason });
        state.notice = t("core.rejected") + " " + r.invoice_number;
        rerender();
      },
      "",
    );
  const rejected = owed.filter((r) => r.status === "rejected");
  const queueCard = card(
    "sec-queue",
    t("core.queue"),
    h("p", { class: "hint" }, t("core.queue_hint")),
    table(
      [t("f.invoice"), t("f.creditor"), t("f.amount"), t("f.issue"), t("f.due"), "", ""],
      queue.map((r) => [r.invoice_number, name(r.creditor_id), yuan(r.amount), date(r.issue_date), date(r.due_date), confirm(r), reject(r)]),
      t("core.queue_empty"),
      "queue",
    ),
    rejected.length
      ? [
          h("h3", {}, t("core.rejected_list")),
          table(
            [t("f.invoice"), t("f.creditor"), t("f.amount"), t("f.reason")],
            rejected.map((r) => [r.invoice_number, name(r.creditor_id), yuan(r.amount), r.reject_reason ?? "—"]),
            t("none"),
            "rejected",
          ),
        ]
      : null,
  );

  const settle = (r: Receivable) =>
    rowAction(
      "settle-" + r.id,
      t("core.settle"),
      async (reference) => {
        await post(`/v1/receivables/${id(r.id)}/settle`, { reference });
        state.notice = t("core.settled") + " " + r.invoice_number;
        rerender();
      },
      true,
    );
  const settleCard = card(
    "sec-settle",
    t("core.to_settle"),
    table(
      [t("f.invoice"), t("f.creditor"), t("f.amount"), t("f.due"), t("f.status"), ""],
      tier1.map((r) => [r.invoice_number, name(r.creditor_id), yuan(r.amount), date(r.due_date), status(r.status), settle(r)]),
      t("none"),
      "to-settle",
    ),
  );

  // Credit notes: on a confirmed tier-1 invoice not yet settled or overdue, signed
  // here as EIP-712 CreditNote typed data the server serves (like a confirmation).
  const creditable = tier1.filter((r) => r.status !== "overdue");
  const creditForm = form(
    "credit",
    [
      { name: "receivable", label: t("f.invoice"), type: "select", options: creditable.map((r) => [r.id, `${r.invoice_number} · ${name(r.creditor_id)} · ${yuan(r.amount)}`]) },
      { name: "amount", label: t("f.amount_yuan"), placeholder: "10,000.00" },
      { name: "reason", label: t("f.reason"), placeholder: t("core.credit_reason_eg") },
    ],
    t("core.credit_issue"),
    async (v) => {
      if (!v.receivable) throw new FieldError("receivable", t("err.required"));
      const amount = money("amount", v.amount);
      if (!v.reason) throw new FieldError("reason", t("err.required"));
      const salt = randomSalt();
      const td = await get<TypedData>(
        `/v1/receivables/${id(v.receivable)}/credit-notes/typed-data?amount=${amount}&reason=${encodeURIComponent(v.reason)}&salt=${salt}`,
      );
      const signature = await sign(td);
      await post(`/v1/receivables/${id(v.receivable)}/credit-notes`, { amount, reason: v.reason, salt, signature });
      state.notice = t("core.credited") + " " + yuan(amount) + " · " + invoiceOf(v.receivable);
      rerender();
    },
  );
  const notes = owed.flatMap((r) => (r.credit_notes ?? []).map((n) => ({ r, n })));
  const creditCard = card(
    "sec-credit",
    t("core.credit"),
    h("p", { class: "hint" }, t("core.credit_hint")),
    table(
      [t("f.invoice"), t("f.amount"), t("f.reason"), t("f.date"), t("core.allocated")],
      notes.map(({ r, n }) => [r.invoice_number, yuan(n.amount), n.reason, date(n.created_at), allocations(n.allocations, byId, matches)]),
      t("none"),
      "credit-notes",
    ),
    h("h3", {}, t("core.credit_issue")),
    creditForm,
  );

  // Payments: to the holder of a receivable's unfinanced part, or to a fill's lender.
  const live = new Set(tier1.map((r) => r.id));
  const rootOf = (r: Receivable): string => {
    let x: Receivable | undefined = r;
    while (x && x.parent_id) x = byId.get(x.parent_id);
    return x?.id ?? r.id;
  };
  const targets: [string, string][] = [];
  // What the core owes a holder: its remaining part less what fills finance of it,
  // less what was paid already (docs/api.md, "Payments").
  const financed = new Map<string, number>();
  for (const m of matches) if (m.status !== "cancelled") financed.set(m.receivable_id, (financed.get(m.receivable_id) ?? 0) + m.amount);
  for (const r of owed) {
    if (!live.has(rootOf(r))) continue;
    const open = r.remaining - (financed.get(r.id) ?? 0) - (r.paid_to_holder ?? 0);
    if (open > 0) targets.push(["r:" + r.id, `${name(r.holder_id)} · ${r.invoice_number} · ${t("tier")} ${r.tier} · ${yuan(open)}`]);
  }
  const payable = matches.filter((m) => m.debtor_id === me.id && (m.status === "funded" || m.status === "overdue"));
  for (const m of payable) {
    const due = m.amount - m.dilution + m.late_interest - m.paid;
    if (due > 0)
      targets.push(["m:" + m.id, `${name(m.lender_id)} (${t("core.for")} ${name(m.holder_id)}) · ${invoiceOf(m.receivable_id)} · ${yuan(due)}`]);
  }
  const payForm = form(
    "payment",
    [
      { name: "to", label: t("f.pay_to"), type: "select", options: targets, hint: t("core.pay_hint") },
      { name: "amount", label: t("f.amount_yuan") },
      { name: "reference", label: t("f.reference") },
    ],
    t("core.pay"),
    async (v) => {
      if (!v.to) throw new FieldError("to", t("err.required"));
      const amount = money("amount", v.amount);
      if (!v.reference) throw new FieldError("reference", t("err.required"));
      const [kind, target] = [v.to.slice(0, 1), v.to.slice(2)];
      const m = kind === "m" ? payable.find((x) => x.id === target) : undefined;
      const rid = m ? m.receivable_id : target;
      await post(`/v1/receivables/${id(rid)}/payments`, m ? { amount, reference: v.reference, match_id: m.id } : { amount, reference: v.reference });
      state.notice = t("core.paid") + " " + yuan(amount) + " · " + invoiceOf(rid);
      rerender();
    },
  );
  payForm.querySelector('[data-err="to"]')?.setAttribute("data-err-alias", "match_id");
  const payments = owed.flatMap((r) => (r.payments ?? []).map((p) => ({ r, p })));
  const matchById = new Map(matches.map((m) => [m.id, m]));
  const payCard = card(
    "sec-payments",
    t("core.payments"),
    table(
      [t("f.invoice"), t("f.pay_to"), t("f.amount"), t("f.reference"), t("f.date")],
      payments.map(({ r, p }) => [
        r.invoice_number,
        p.match_id ? name(matchById.get(p.match_id)?.lender_id) : name(r.holder_id),
        yuan(p.amount),
        p.reference,
        date(p.created_at),
      ]),
      t("none"),
      "payments",
    ),
    h("h3", {}, t("core.pay")),
    payForm,
  );

  const overdue = matches.filter((m) => m.debtor_id === me.id && m.status === "overdue");
  const overdueCard = card(
    "sec-overdue",
    t("core.overdue"),
    table(
      [t("f.invoice"), t("f.lender"), t("f.holder"), t("f.amount"), t("f.late_rate"), t("f.late_interest"), t("f.outstanding")],
      overdue.map((m) => [invoiceOf(m.receivable_id), name(m.lender_id), name(m.holder_id), yuan(m.amount), rate(m.late_rate_bps), yuan(m.late_interest), yuan(m.outstanding)]),
      t("core.no_overdue"),
      "overdue",
    ),
  );

  const open = owed.filter((r) => r.parent_id === null && ["confirmed", "financeable", "listed", "matched", "funded", "transferred", "overdue"].includes(r.status));
  const confirmedFen = open.reduce((s, r) => s + r.amount, 0);
  const lenderFen = matches.filter((m) => m.debtor_id === me.id && m.status === "funded").reduce((s, m) => s + m.amount, 0);
  const pendingFen = queue.reduce((s, r) => s + r.amount, 0);
  const exposure = card(
    "sec-exposure",
    t("core.exposure"),
    h(
      "dl",
      { class: "kv", id: "exposure" },
      h("dt", {}, t("core.exp_confirmed")), h("dd", {}, yuan(confirmedFen)),
      h("dt", {}, t("core.exp_lenders")), h("dd", {}, yuan(lenderFen)),
      h("dt", {}, t("core.exp_pending")), h("dd", {}, yuan(pendingFen)),
    ),
  );
  return [queueCard, settleCard, payCard, creditCard, overdueCard, exposure, keyCard(rerender), proofCard(owed)];
}

// allocations says where a credit note landed: each receivable's holder (or, for a
// fill, its lender and the seller who now owes the difference) and how much.
export function allocations(list: Allocation[], byId: Map<string, Receivable>, matches: Match[]): HTMLElement {
  const ms = new Map(matches.map((m) => [m.id, m]));
  return h(
    "ul",
    { class: "alloc" },
    (list ?? []).map((a) => {
      const r = byId.get(a.receivable_id);
      const who = a.match_id ? `${name(ms.get(a.match_id)?.lender_id)} (${t("core.fill")})` : r ? name(r.holder_id) : a.receivable_id;
      return h("li", {}, `${who}${r ? " · " + t("tier") + " " + r.tier : ""}: ${yuan(a.amount)}`);
    }),
  );
}
