// SPDX-License-Identifier: Apache-2.0
// The core enterprise: a queue of invoices to confirm, each confirmed by signing the
// server's EIP-712 typed data here; settlement at maturity; its exposure.

import { all, get, id, post } from "./api";
import { card, keyCard, proofCard } from "./common";
import { h, table } from "./dom";
import { FieldError, showError, clearErrors } from "./forms";
import { date, status, yuan } from "./format";
import { t } from "./i18n";
import { sign, type TypedData } from "./sign";
import { name, state, type Match, type Receivable } from "./state";

// rowAction is a button (and an optional reference field) whose errors show in the
// row itself.
function rowAction(key: string, label: string, run: (ref: string) => Promise<void>, withRef: boolean): HTMLElement {
  const box = h("div", { class: "row-action" });
  const ref = withRef
    ? (h("input", { type: "text", name: "reference", "data-field": "reference", "aria-label": t("f.reference"), placeholder: t("f.reference"), id: key + "-ref" }) as HTMLInputElement)
    : null;
  const btn = h("button", { type: "button", class: "primary", id: key }, label) as HTMLButtonElement;
  btn.addEventListener("click", async () => {
    clearErrors(box);
    btn.disabled = true;
    try {
      if (ref && !ref.value.trim()) throw new FieldError("reference", t("err.required"));
      await run(ref ? ref.value.trim() : "");
    } catch (e) {
      showError(box, e);
    } finally {
      btn.disabled = false;
    }
  });
  box.append(...[ref, btn, h("p", { class: "field-err", "data-err": "reference", role: "alert" }), h("p", { class: "problem", role: "alert", hidden: true })].filter((x) => x !== null) as Node[]);
  return box;
}

export { rowAction };

export async function coreView(rerender: () => void): Promise<HTMLElement[]> {
  const me = state.me!;
  const [rcvs, matches] = await Promise.all([all<Receivable>("/v1/receivables"), all<Match>("/v1/matches")]);
  const owed = rcvs.filter((r) => r.debtor_id === me.id);
  const queue = owed.filter((r) => r.status === "pending_confirmation");
  const tier1 = owed.filter((r) => r.parent_id === null && !["pending_confirmation", "settled", "rejected_duplicate"].includes(r.status));

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
  const queueCard = card(
    "sec-queue",
    t("core.queue"),
    h("p", { class: "hint" }, t("core.queue_hint")),
    table(
      [t("f.invoice"), t("f.creditor"), t("f.amount"), t("f.issue"), t("f.due"), ""],
      queue.map((r) => [r.invoice_number, name(r.creditor_id), yuan(r.amount), date(r.issue_date), date(r.due_date), confirm(r)]),
      t("core.queue_empty"),
      "queue",
    ),
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
  return [queueCard, settleCard, exposure, keyCard(rerender), proofCard(owed)];
}
