// SPDX-License-Identifier: Apache-2.0
// The operator: clusters, onboarding (USCC checked here first, the token shown once
// with a copy button), participants, node and ledger status, every receivable.

import { all, get, id, patch, post } from "./api";
import { card, proofCard } from "./common";
import { h, table } from "./dom";
import { FieldError, form } from "./forms";
import { date, rate, short, status, today, yuan } from "./format";
import { t } from "./i18n";
import { name, ofRole, state, type Receivable } from "./state";
import { rowAction } from "./core";
import { usccProblem } from "./uscc";

interface Cluster {
  id: string;
  name: string;
  county_code: string;
  level: string;
  industry: string;
  valid_until: string;
}

interface Participant {
  id: string;
  name: string;
  uscc: string;
  role: string;
  address: string | null;
  status: string;
  token?: string;
  rating: string | null;
  certification: string | null;
  certification_valid_until: string | null;
  cluster_id: string | null;
}

interface Change {
  field: string;
  from: string;
  to: string;
  reason: string;
  created_at: string;
}

const ratings = ["AAA", "AA+", "AA", "AA-", "A+", "A", "BBB"];
const certs = ["none", "innovative", "specialized", "little_giant"];

export async function operatorView(rerender: () => void): Promise<HTMLElement[]> {
  const [node, ledger, clusters, parts, rcvs] = await Promise.all([
    get<any>("/v1/node"),
    get<any>("/v1/ledger"),
    all<Cluster>("/v1/clusters"),
    all<Participant>("/v1/participants"),
    all<Receivable>("/v1/receivables"),
  ]);
  const kv = (pairs: [string, string, string?][]) =>
    h("dl", { class: "kv" }, pairs.map(([k, v, cls]) => [h("dt", {}, k), h("dd", { class: cls ?? "" }, v)]));
  const status1 = card(
    "sec-node",
    t("op.node"),
    kv([
      [t("op.node_id"), node.node_id],
      [t("op.journal"), node.journal],
      [t("op.applied"), String(node.applied_seq)],
      [t("op.state_hash"), short(node.state_hash), "mono"],
      [t("op.anchorer"), node.anchorer ? t("yes") : t("no")],
      [t("op.chain"), String(ledger.chain_id)],
      [t("op.registry"), ledger.registry_address ?? "—", "mono"],
      [t("op.head"), String(ledger.head_block)],
      [t("op.pending"), String(ledger.pending_leaves)],
    ]),
  );

  const clusterForm = form(
    "cluster",
    [
      { name: "name", label: t("f.name") },
      { name: "county_code", label: t("f.county_code"), placeholder: "330206" },
      { name: "level", label: t("f.level"), type: "select", options: [["national", t("level.national")], ["provincial", t("level.provincial")]] },
      { name: "industry", label: t("f.industry") },
      { name: "valid_until", label: t("f.valid_until"), type: "date", value: today(3 * 365) },
    ],
    t("op.create_cluster"),
    async (v) => {
      await post("/v1/clusters", v);
      rerender();
    },
  );
  const clusterCard = card(
    "sec-clusters",
    t("op.clusters"),
    table(
      [t("f.name"), t("f.county_code"), t("f.level"), t("f.industry"), t("f.valid_until")],
      clusters.map((c) => [c.name, c.county_code, t("level." + c.level), c.industry, date(c.valid_until)]),
      t("none"),
      "clusters",
    ),
    h("h3", {}, t("op.create_cluster")),
    clusterForm,
  );

  const onboard = form(
    "onboard",
    [
      { name: "name", label: t("f.name") },
      { name: "uscc", label: t("f.uscc"), placeholder: "91330100MA0000001X", hint: t("f.uscc_hint") },
      { name: "role", label: t("f.role"), type: "select", options: [["sme", t("role.sme")], ["core", t("role.core")], ["lender", t("role.lender")]] },
      { name: "address", label: t("f.address"), placeholder: "0x…", optional: true, hint: t("f.address_hint") },
      { name: "cluster_id", label: t("f.cluster"), type: "select", options: [["", "—"], ...clusters.map((c) => [c.id, c.name] as [string, string])] },
      {
        name: "certification",
        label: t("f.certification"),
        type: "select",
        options: [["", "—"], ...certs.map((c) => [c, t("cert." + c)] as [string, string])],
      },
      { name: "certification_valid_until", label: t("f.cert_until"), type: "date", optional: true },
      { name: "rating", label: t("f.rating"), type: "select", options: [["", "—"], ...ratings.map((r) => [r, r] as [string, string])] },
    ],
    t("op.onboard"),
    async (v) => {
      const p = usccProblem(v.uscc);
      if (p) throw new FieldError("uscc", t(p));
      const body: Record<string, string> = {};
      for (const [k, val] of Object.entries(v)) if (val !== "") body[k] = val;
      const created = await post<Participant>("/v1/participants", body);
      state.newToken = { name: created.name, token: created.token ?? "" };
      rerender();
    },
  );
  const shown = state.newToken;
  const tokenBox = shown
    ? h(
        "div",
        { class: "token-box", id: "new-token", role: "status" },
        h("p", {}, t("op.token_once") + " " + shown.name),
        h("input", { type: "text", readonly: true, value: shown.token, id: "new-token-value", "aria-label": t("op.token"), class: "mono" }),
        h("button", {
          type: "button",
          id: "copy-token",
          onclick: (ev: Event) => {
            navigator.clipboard?.writeText(shown.token).then(
              () => ((ev.target as HTMLElement).textContent = t("copied")),
              () => ((document.getElementById("new-token-value") as HTMLInputElement).select()),
            );
          },
        }, t("copy")),
        h("button", { type: "button", onclick: () => ((state.newToken = null), rerender()) }, t("op.token_done")),
      )
    : null;
  // Changes to a participant (a core's rating, an SME's certification and cluster),
  // each kept in its history, which the page shows for one participant at a time.
  const changeable = parts.filter((p) => p.role === "core" || p.role === "sme");
  const unchanged: [string, string] = ["", t("op.unchanged")];
  const changeForm = form(
    "change",
    [
      { name: "participant", label: t("op.participant"), type: "select", options: changeable.map((p) => [p.id, `${p.name} · ${t("role." + p.role)}`]), value: state.historyOf },
      { name: "rating", label: t("f.rating"), type: "select", options: [unchanged, ...ratings.map((r) => [r, r] as [string, string])] },
      { name: "certification", label: t("f.certification"), type: "select", options: [unchanged, ...certs.map((c) => [c, t("cert." + c)] as [string, string])] },
      { name: "certification_valid_until", label: t("f.cert_until"), type: "date", optional: true },
      { name: "cluster_id", label: t("f.cluster"), type: "select", options: [unchanged, ["none", t("op.no_cluster")], ...clusters.map((c) => [c.id, c.name] as [string, string])] },
      { name: "reason", label: t("f.reason") },
    ],
    t("op.change"),
    async (v) => {
      if (!v.participant) throw new FieldError("participant", t("err.required"));
      if (!v.reason) throw new FieldError("reason", t("err.required"));
      const body: Record<string, string> = {};
      for (const k of ["rating", "certification", "certification_valid_until", "cluster_id", "reason"]) if (v[k] !== "") body[k] = v[k];
      const p = await post<Participant>(`/v1/participants/${id(v.participant)}/changes`, body);
      state.historyOf = p.id;
      state.notice = t("op.changed") + " " + p.name;
      rerender();
    },
  );
  const shownHistory = parts.find((p) => p.id === state.historyOf);
  const history = shownHistory ? await all<Change>(`/v1/participants/${id(shownHistory.id)}/changes`) : [];
  const clusterName = (cid: string) => clusters.find((c) => c.id === cid)?.name ?? cid;
  const shownValue = (field: string, v: string) =>
    !v ? "—" : field === "certification" ? t("cert." + v) : field === "cluster_id" ? clusterName(v) : v;
  const changeCard = card(
    "sec-changes",
    t("op.changes"),
    h("p", { class: "hint" }, t("op.changes_hint")),
    changeForm,
    shownHistory
      ? [
          h("h3", {}, t("op.history") + " · " + shownHistory.name),
          table(
            [t("f.date"), t("f.field"), t("f.from"), t("f.to"), t("f.reason")],
            history.map((c) => [date(c.created_at), t("fld." + c.field), shownValue(c.field, c.from), shownValue(c.field, c.to), c.reason]),
            t("op.no_history"),
            "history",
          ),
        ]
      : h("p", { class: "hint" }, t("op.history_hint")),
  );

  const partCard = card(
    "sec-participants",
    t("op.participants"),
    tokenBox,
    table(
      [t("f.name"), t("f.role"), t("f.uscc"), t("f.address"), t("f.rating_short"), t("f.certification"), t("f.cluster"), t("f.status"), ""],
      parts.map((p) => [
        p.name,
        t("role." + p.role),
        h("span", { class: "mono" }, p.uscc),
        h("span", { class: "mono", title: p.address ?? "" }, short(p.address)),
        p.rating ?? "—",
        p.certification ? t("cert." + p.certification) : "—",
        p.cluster_id ? clusterName(p.cluster_id) : "—",
        status(p.status),
        p.role === "lender"
          ? ""
          : h(
              "button",
              { type: "button", class: "link", "data-history": p.id, "aria-expanded": String(state.historyOf === p.id), onclick: () => ((state.historyOf = state.historyOf === p.id ? "" : p.id), rerender()) },
              t("op.history"),
            ),
      ]),
      t("none"),
      "participants",
    ),
    h("h3", {}, t("op.onboard")),
    onboard,
  );

  const rcvCard = card(
    "sec-receivables",
    t("op.receivables"),
    table(
      [t("f.invoice"), t("tier"), t("f.holder"), t("f.debtor"), t("f.amount"), t("f.due"), t("f.status")],
      rcvs.map((r) => [r.invoice_number, String(r.tier), name(r.holder_id), name(r.debtor_id), yuan(r.amount), date(r.due_date), status(r.status)]),
      t("none"),
      "all-receivables",
    ),
  );
  return [status1, partCard, changeCard, clusterCard, rcvCard, await booksCard(rerender), proofCard(rcvs)];
}

interface Book {
  core_id: string;
  mode: string;
  listings: { amount: number }[];
  quotes: { band: string; best_rate_bps: number }[];
}

interface Auction {
  fills: number;
  volume: number;
  saving: number;
}

// booksCard shows each core's book and how it clears; a book in auction mode clears
// when the operator runs its call auction.
async function booksCard(rerender: () => void): Promise<HTMLElement> {
  const cores = ofRole("core");
  const books = await Promise.all(cores.map((c) => get<Book>(`/v1/books/${id(c.id)}`)));
  const rows = books.map((b) => {
    const other = b.mode === "auction" ? "continuous" : "auction";
    return [
      name(b.core_id),
      t("mode." + b.mode),
      `${b.listings.length} · ${yuan(b.listings.reduce((s, l) => s + l.amount, 0))}`,
      h("span", {}, b.quotes.map((q, i) => [i > 0 ? " · " : "", q.band + " ", rate(q.best_rate_bps)])),
      h(
        "div",
        { class: "row-action" },
        rowAction("mode-" + b.core_id, t("mode.to_" + other), async () => {
          await patch(`/v1/books/${id(b.core_id)}`, { mode: other });
          rerender();
        }, false),
        b.mode === "auction"
          ? rowAction("auction-" + b.core_id, t("op.run_auction"), async () => {
              const a = await post<Auction>(`/v1/books/${id(b.core_id)}/auctions`, {});
              state.notice = `${t("op.auction_done")} ${name(b.core_id)}: ${a.fills} ${t("op.fills")}, ${yuan(a.volume)}`;
              rerender();
            }, false)
          : null,
      ),
    ];
  });
  return card(
    "sec-books",
    t("op.books"),
    table([t("f.core"), t("op.mode"), t("lender.resting"), t("lender.best"), ""], rows, t("none"), "books"),
  );
}
