// SPDX-License-Identifier: Apache-2.0
// Cards more than one role shows: the signing key and the proof viewer.

import { get, id } from "./api";
import { h, type Child } from "./dom";
import { FieldError, form } from "./forms";
import { short } from "./format";
import { t } from "./i18n";
import { processProof } from "./merkle";
import { connectInjected, forget, hasInjected, importKey, signer, signerKind } from "./sign";
import { state, type Receivable } from "./state";

export function card(id: string, title: string, ...body: Child[]): HTMLElement {
  return h("section", { class: "card", id, "aria-labelledby": id + "-h" }, h("h2", { id: id + "-h" }, title), ...body);
}

// keyCard loads the participant's key into page memory, from a key file or an
// injected wallet, and says whether it is the address the operator registered.
export function keyCard(rerender: () => void): HTMLElement {
  const addr = signer();
  const registered = state.me?.address ?? "";
  const matches = addr !== "" && addr.toLowerCase() === registered.toLowerCase();
  const status = addr
    ? h(
        "p",
        { class: matches ? "ok" : "problem", id: "key-status", "data-signer": addr },
        (signerKind() === "wallet" ? t("key.wallet") : t("key.loaded")) + " " + addr,
        " — ",
        matches ? t("key.matches") : t("key.mismatch") + " " + registered,
      )
    : h("p", { class: "hint", id: "key-status" }, t("key.none") + " " + (registered || "—"));
  const f = form(
    "key",
    [{ name: "key_file", label: t("key.file"), type: "file", hint: t("key.hint") }],
    t("key.load"),
    async (_v, ctl) => {
      const text = await ctl.fileText("key_file");
      try {
        await importKey(text);
      } catch {
        throw new FieldError("key_file", t("err.key"));
      }
      rerender();
    },
  );
  return card(
    "sec-key",
    t("key.title"),
    status,
    f,
    h(
      "div",
      { class: "actions" },
      hasInjected() ? h("button", { type: "button", id: "key-wallet", onclick: () => connectInjected().then(rerender, (e) => alert(String(e))) }, t("key.usewallet")) : null,
      addr ? h("button", { type: "button", id: "key-forget", onclick: () => (forget(), rerender()) }, t("key.forget")) : null,
    ),
  );
}

interface Proof {
  leaf: string;
  root: string;
  proof: string[];
  tx_hash: string;
  block_number: number;
  registry_address: string;
  chain_id: number;
}

// proofCard fetches a receivable's proof and recomputes the Merkle root here, so the
// page does not take the server's word for it.
export function proofCard(receivables: Receivable[]): HTMLElement {
  const out = h("div", { id: "proof-out", "aria-live": "polite" });
  const f = form(
    "proof",
    [
      {
        name: "receivable",
        label: t("proof.receivable"),
        placeholder: "rcv_…",
        list: receivables.map((r) => [r.id, `${r.invoice_number} · ${t("tier")} ${r.tier}`]),
      },
      {
        name: "kind",
        label: t("proof.kind"),
        type: "select",
        options: [
          ["confirmation", t("proof.confirmation")],
          ["transfer", t("proof.transfer")],
          ["assignment", t("proof.assignment")],
        ],
      },
    ],
    t("proof.check"),
    async (v) => {
      if (!v.receivable) throw new FieldError("receivable", t("err.required"));
      const p = await get<Proof>(`/v1/receivables/${id(v.receivable)}/proof?kind=${encodeURIComponent(v.kind)}`);
      const computed = processProof(p.leaf, p.proof);
      const ok = computed === p.root.toLowerCase();
      out.replaceChildren(
        h("p", { class: ok ? "ok" : "problem", id: "proof-verdict", "data-ok": String(ok) }, ok ? t("proof.ok") : t("proof.bad")),
        h(
          "dl",
          { class: "kv" },
          h("dt", {}, t("proof.leaf")), h("dd", { class: "mono" }, p.leaf),
          h("dt", {}, t("proof.root")), h("dd", { class: "mono", id: "proof-root" }, p.root),
          h("dt", {}, t("proof.computed")), h("dd", { class: "mono" }, computed),
          h("dt", {}, t("proof.path")), h("dd", { class: "mono" }, p.proof.length === 0 ? "—" : p.proof.map(short).join(" → ")),
          h("dt", {}, t("proof.block")), h("dd", { id: "proof-block" }, String(p.block_number)),
          h("dt", {}, t("proof.tx")), h("dd", { class: "mono", id: "proof-tx" }, p.tx_hash),
          h("dt", {}, t("proof.registry")), h("dd", { class: "mono" }, p.registry_address + " · chain " + p.chain_id),
        ),
      );
    },
  );
  return card("sec-proof", t("proof.title"), h("p", { class: "hint" }, t("proof.hint")), f, out);
}

export function refreshButton(rerender: () => void): HTMLElement {
  return h("button", { type: "button", id: "refresh", onclick: rerender }, t("refresh"));
}

