// SPDX-License-Identifier: Apache-2.0
// Calls to the scfx API of the server that served the page (the page's CSP allows no
// other origin). The token travels in the Authorization header only, and is kept in
// this tab's sessionStorage: gone when the tab closes, never in a URL.

const tokenKey = "scfx.token";

export function token(): string {
  return sessionStorage.getItem(tokenKey) ?? "";
}

export function setToken(v: string): void {
  if (v) sessionStorage.setItem(tokenKey, v);
  else sessionStorage.removeItem(tokenKey);
}

export interface FieldError {
  field: string;
  message: string;
}

// Problem is an application/problem+json answer (docs/api.md, "Errors").
export class Problem extends Error {
  constructor(
    public status: number,
    public code: string,
    public detail: string,
    public errors: FieldError[] = [],
  ) {
    super(detail);
  }
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

// call sends one request. A write carries a fresh Idempotency-Key: one per click, so
// a retry the browser makes on its own is answered once.
export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Authorization: "Bearer " + token() };
  const init: RequestInit = { method, headers, cache: "no-store", credentials: "omit" };
  if (method !== "GET") headers["Idempotency-Key"] = crypto.randomUUID();
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new Problem(0, "network", String(e));
  }
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    if (json && typeof json.code === "string") {
      throw new Problem(res.status, json.code, String(json.detail ?? ""), Array.isArray(json.errors) ? json.errors : []);
    }
    throw new Problem(res.status, "http_" + res.status, text.slice(0, 200));
  }
  return json as T;
}

export const get = <T>(path: string) => call<T>("GET", path);
export const post = <T>(path: string, body: unknown) => call<T>("POST", path, body);
export const del = <T>(path: string) => call<T>("DELETE", path);
export const patch = <T>(path: string, body: unknown) => call<T>("PATCH", path, body);

// all reads every page of a list (up to pages×500 items: the console's views are
// one participant's book, not the whole market).
export async function all<T>(path: string, pages = 4): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  const sep = path.includes("?") ? "&" : "?";
  for (let i = 0; i < pages; i++) {
    const p: Page<T> = await get<Page<T>>(path + sep + "limit=500" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : ""));
    out.push(...p.items);
    cursor = p.next_cursor;
    if (!cursor) break;
  }
  return out;
}

export const id = (s: string) => encodeURIComponent(s);
