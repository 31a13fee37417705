// SPDX-License-Identifier: Apache-2.0
// Forms: labelled fields, each with its own error line, so that a problem+json answer
// shows every errors[] entry next to the field it names (docs/api.md, "Errors") and
// anything else (a 409, a 503) above the button.

import { Problem } from "./api";
import { h, type Child } from "./dom";
import { t } from "./i18n";

export interface FieldSpec {
  name: string;
  label: string;
  type?: "text" | "date" | "select" | "password" | "file" | "number";
  options?: [string, string][];
  value?: string;
  hint?: string;
  placeholder?: string;
  list?: [string, string][]; // suggestions (datalist): value, label
  optional?: boolean;
}

// FieldError is a problem the page finds before sending: shown like the server's.
export class FieldError extends Error {
  constructor(
    public field: string,
    message: string,
  ) {
    super(message);
  }
}

export type Values = Record<string, string> & { _files?: any };

export interface FormCtl {
  el: HTMLFormElement;
  fileText(name: string): Promise<string>;
}

function fieldEl(id: string, f: FieldSpec): HTMLElement {
  const fid = `${id}-${f.name}`;
  const common = { id: fid, name: f.name, "aria-describedby": `${fid}-err`, "data-field": f.name };
  let input: HTMLElement;
  if (f.type === "select") {
    input = h("select", common, (f.options ?? []).map(([v, l]) => h("option", { value: v, selected: v === f.value }, l)));
  } else {
    // Dates are typed as YYYY-MM-DD whatever the browser's locale: a native date
    // picker would show 12/06/2026 to one person and 06.12.2026 to another.
    const isDate = f.type === "date";
    input = h("input", {
      ...common,
      type: isDate ? "text" : (f.type ?? "text"),
      value: f.value ?? "",
      placeholder: isDate ? "YYYY-MM-DD" : (f.placeholder ?? ""),
      inputmode: isDate ? "numeric" : null,
      pattern: isDate ? "\\d{4}-\\d{2}-\\d{2}" : null,
      autocomplete: "off",
      spellcheck: "false",
      list: f.list ? fid + "-list" : null,
    });
  }
  return h(
    "div",
    { class: "field" },
    h("label", { for: fid }, f.label, f.optional ? h("small", {}, " " + t("optional")) : null),
    input,
    f.list ? h("datalist", { id: fid + "-list" }, f.list.map(([v, l]) => h("option", { value: v }, l))) : null,
    f.hint ? h("small", { class: "hint" }, f.hint) : null,
    h("p", { class: "field-err", id: `${fid}-err`, role: "alert", "data-err": f.name }),
  );
}

// form builds a form; onSubmit gets the values and may throw FieldError or Problem.
// Enter submits; the button is disabled while the request runs.
export function form(
  id: string,
  fields: FieldSpec[],
  submit: string,
  onSubmit: (v: Values, ctl: FormCtl) => Promise<void>,
  extra: Child = null,
): HTMLFormElement {
  const button = h("button", { type: "submit", class: "primary", id: id + "-submit" }, submit) as HTMLButtonElement;
  const top = h("p", { class: "problem", id: id + "-err", role: "alert", hidden: true });
  const el = h(
    "form",
    { id, class: "form", novalidate: true },
    h("div", { class: "fields" }, fields.map((f) => fieldEl(id, f))),
    extra,
    top,
    h("div", { class: "actions" }, button),
  ) as HTMLFormElement;
  const ctl: FormCtl = {
    el,
    async fileText(name: string) {
      const input = el.querySelector(`[name="${name}"]`) as HTMLInputElement;
      const file = input?.files?.[0];
      if (!file) throw new FieldError(name, t("err.nofile"));
      if (file.size > 4096) throw new FieldError(name, t("err.key"));
      return file.text();
    },
  };
  el.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearErrors(el);
    const values: Values = {};
    for (const f of fields) {
      const input = el.querySelector(`[name="${f.name}"]`) as HTMLInputElement | HTMLSelectElement | null;
      if (input && f.type !== "file") values[f.name] = input.value.trim();
    }
    button.disabled = true;
    try {
      await onSubmit(values, ctl);
    } catch (e) {
      showError(el, e);
    } finally {
      button.disabled = false;
    }
  });
  return el;
}

export function clearErrors(el: HTMLElement): void {
  el.querySelectorAll(".field-err").forEach((p) => (p.textContent = ""));
  el.querySelectorAll("[aria-invalid]").forEach((i) => i.removeAttribute("aria-invalid"));
  const top = el.querySelector(".problem") as HTMLElement | null;
  if (top) {
    top.textContent = "";
    top.hidden = true;
  }
}

// showError puts an error where it belongs: a named field's line, or the form's.
export function showError(el: HTMLElement, e: unknown): void {
  const top = el.querySelector(".problem") as HTMLElement | null;
  const rest: string[] = [];
  const put = (field: string, msg: string) => {
    const f = CSS.escape(field);
    const line = (el.querySelector(`[data-err="${f}"]`) ?? el.querySelector(`[data-err-alias~="${f}"]`)) as HTMLElement | null;
    if (!line) return false;
    line.textContent = msg;
    el.querySelector(`[data-field="${line.dataset.err ?? f}"]`)?.setAttribute("aria-invalid", "true");
    return true;
  };
  if (e instanceof FieldError) {
    if (!put(e.field, e.message)) rest.push(e.message);
  } else if (e instanceof Problem) {
    let placed = false;
    for (const fe of e.errors) {
      if (put(fe.field, fe.message)) placed = true;
      else rest.push(`${fe.field}: ${fe.message}`);
    }
    if (!placed || rest.length > 0) rest.unshift(problemText(e));
  } else if (e instanceof Error) {
    rest.push(t("err." + e.message) !== "err." + e.message ? t("err." + e.message) : e.message);
  } else {
    rest.push(String(e));
  }
  if (top && rest.length > 0) {
    top.textContent = rest.join(" · ");
    top.hidden = false;
  }
  (el.querySelector("[aria-invalid]") as HTMLElement | null)?.focus();
}

export function problemText(p: Problem): string {
  const name = t("code." + p.code);
  return (name !== "code." + p.code ? name : p.code) + (p.detail ? ": " + p.detail : "");
}
