// SPDX-License-Identifier: Apache-2.0
// The scfx web console: sign in with a token, then the signed-in role's screen.

import { Problem, get, setToken, token } from "./api";
import { refreshButton } from "./common";
import { coreView } from "./core";
import { clear, h } from "./dom";
import { form, problemText } from "./forms";
import { current, setLang, t } from "./i18n";
import { lenderView } from "./lender";
import { operatorView } from "./operator";
import { smeView } from "./sme";
import { loadDirectory, state, type Me } from "./state";
import { forget } from "./sign";

const app = document.getElementById("app")!;

// whoami: the operator is the one token GET /v1/node answers; a participant sees
// itself alone in GET /v1/participants.
async function whoami(): Promise<Me> {
  try {
    await get("/v1/node");
    return { role: "operator", id: "", name: t("role.operator"), address: null };
  } catch (e) {
    if (!(e instanceof Problem) || e.status !== 403) throw e;
  }
  const page = await get<{ items: { id: string; name: string; role: Me["role"]; address: string | null }[] }>("/v1/participants");
  const p = page.items[0];
  if (!p) throw new Problem(401, "unauthorized", "");
  return { role: p.role, id: p.id, name: p.name, address: p.address };
}

function header(): HTMLElement {
  const me = state.me;
  return h(
    "header",
    {},
    h("a", { href: "#main", class: "skip" }, t("skip")),
    h("h1", {}, t("title")),
    me ? h("span", { class: "who", id: "who", "data-role": me.role }, me.role === "operator" ? t("role.operator") : me.name + " · " + t("role." + me.role)) : null,
    h("button", { type: "button", id: "lang", lang: current() === "en" ? "zh" : "en", "aria-label": t("lang_label"), onclick: () => (setLang(current() === "en" ? "zh" : "en"), render()) }, t("lang")),
    me ? h("button", { type: "button", id: "signout", onclick: signOut }, t("signout")) : null,
  );
}

function signOut(): void {
  setToken("");
  forget();
  state.me = null;
  state.newToken = null;
  state.notice = "";
  state.historyOf = "";
  render();
}

function signIn(): HTMLElement {
  const f = form(
    "signin",
    [{ name: "token", label: t("token"), type: "password" }],
    t("signin"),
    async (v) => {
      setToken(v.token);
      try {
        state.me = await whoami();
      } catch (e) {
        setToken("");
        throw e;
      }
      render();
    },
  );
  return h("section", { class: "card narrow", id: "sec-signin" }, h("h2", {}, t("signin")), h("p", { class: "hint" }, t("signin_hint")), f);
}

const views = { operator: operatorView, sme: smeView, core: coreView, lender: lenderView };

let rendering = 0;

// render draws the whole page again: after sign-in, after every action, on Refresh
// and on a change of language. Focus goes back to the element that had it.
export async function render(): Promise<void> {
  const n = ++rendering;
  const focused = document.activeElement?.id ?? "";
  document.title = t("title");
  const main = h("main", { id: "main", tabindex: "-1" });
  clear(app);
  app.append(header(), main);
  if (!state.me) {
    if (token()) {
      main.append(h("p", { class: "hint" }, t("loading")));
      try {
        state.me = await whoami();
      } catch {
        setToken("");
      }
      if (n === rendering) render();
      return;
    }
    main.append(signIn());
    document.getElementById("signin-token")?.focus();
    return;
  }
  main.append(h("p", { class: "hint", "aria-live": "polite" }, t("loading")));
  let sections: HTMLElement[];
  try {
    await loadDirectory();
    sections = await views[state.me.role](render);
  } catch (e) {
    if (n !== rendering) return;
    const msg = e instanceof Problem ? problemText(e) : String(e);
    main.replaceChildren(h("p", { class: "problem", role: "alert" }, msg), refreshButton(render));
    if (e instanceof Problem && e.status === 401) signOut();
    return;
  }
  if (n !== rendering) return; // a newer render started meanwhile
  const nav = h(
    "nav",
    { "aria-label": t("nav") },
    sections.map((s) => h("a", { href: "#" + s.id }, s.querySelector("h2")?.textContent ?? s.id)),
    refreshButton(render),
  );
  main.replaceChildren(
    nav,
    h("p", { class: "notice", id: "notice", role: "status", hidden: !state.notice }, state.notice),
    h("div", { class: "grid" }, sections),
  );
  state.notice = "";
  if (focused) document.getElementById(focused)?.focus();
}

setLang(current());
render();
