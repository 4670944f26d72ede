// The request as the editor holds it, and how it becomes the core's TesterRequest: from a saved
// action, from a history row, or typed by hand. Kept apart from the components so the rules
// (which rows count, how a template body is carried) are in one place and tested.
import type { Action, HistoryEntry, KeyValue, TesterBody, TesterRequest } from "../../bindings";

export const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;

export type BodyKind = TesterBody["kind"];

/** Every body kind's text is kept while the person switches kinds, so nothing typed is lost. */
export interface BodyDraft {
  kind: BodyKind;
  text: string;
  /** Text bodies (optional) and action templates. */
  contentType: string;
  pairs: KeyValue[];
}

export interface Draft {
  method: string;
  path: string;
  query: KeyValue[];
  headers: KeyValue[];
  body: BodyDraft;
  /** The saved action the request came from. */
  action?: string;
  vars: Record<string, string>;
}

export const blankRow = (): KeyValue => ({ name: "", value: "" });

export function emptyDraft(): Draft {
  return {
    method: "GET",
    path: "",
    query: [],
    headers: [],
    body: { kind: "none", text: "", contentType: "", pairs: [] },
    vars: {},
  };
}

const copyRows = (rows: KeyValue[]): KeyValue[] => rows.map((r) => ({ name: r.name, value: r.value }));

export function testerBody(body: BodyDraft): TesterBody {
  switch (body.kind) {
    case "none":
      return { kind: "none" };
    case "json":
      return { kind: "json", text: body.text };
    case "text":
      return body.contentType.trim()
        ? { kind: "text", content_type: body.contentType.trim(), text: body.text }
        : { kind: "text", text: body.text };
    case "form":
      return { kind: "form", pairs: copyRows(body.pairs) };
    case "template":
      return { kind: "template", content_type: body.contentType, text: body.text };
  }
}

/** The request to preview and send (plain data, safe to hand to IPC). */
export function toTesterRequest(connection: string, draft: Draft): TesterRequest {
  const request: TesterRequest = {
    connection,
    method: draft.method,
    path: draft.path,
    query: copyRows(draft.query),
    headers: copyRows(draft.headers),
    body: testerBody(draft.body),
    // An empty parameter is not given, so the core names it as missing instead of filling "".
    vars: Object.fromEntries(Object.entries(draft.vars).filter(([, v]) => v !== "")),
  };
  if (draft.action) request.action = draft.action;
  return request;
}

/** Fills the editor from a saved action; its parameters start empty. */
export function draftFromAction(action: Action, previous: Draft): Draft {
  const vars: Record<string, string> = {};
  for (const p of action.parameters) vars[p.name] = "";
  return {
    method: action.method,
    path: action.path,
    query: copyRows(action.query),
    headers: copyRows(action.headers),
    body: action.body
      ? {
          ...previous.body,
          kind: "template",
          contentType: action.body.content_type,
          text: action.body.template,
        }
      : { ...previous.body, kind: "none" },
    action: action.name,
    vars,
  };
}

/** The type's base URL with its `{{field}}` templates filled from the connection's fields. */
export function resolveBaseUrl(baseUrl: string, fields: Record<string, string>): string {
  return baseUrl.replace(/\{\{\s*([^}\s]+)\s*\}\}/g, (whole, name: string) => fields[name] ?? whole);
}

const MASK = "••••";

/**
 * The method, path and query of a history row, for the editor. The URL is masked and holds the
 * auth pattern's query parameters, which are left out (the core adds them again when sending).
 */
export function requestFromHistory(
  entry: HistoryEntry,
  baseUrl: string | undefined,
  authQuery: string[],
): { method: string; path: string; query: KeyValue[] } {
  let url: URL;
  try {
    url = new URL(entry.url);
  } catch {
    return { method: entry.method, path: entry.url, query: [] };
  }
  const query: KeyValue[] = [];
  for (const [name, value] of url.searchParams) {
    if (authQuery.includes(name) || value.includes(MASK)) continue;
    query.push({ name, value });
  }
  const withoutQuery = `${url.origin}${url.pathname}`;
  let path = withoutQuery;
  if (baseUrl) {
    const base = baseUrl.replace(/[?#].*$/, "").replace(/\/+$/, "");
    if (withoutQuery === base) path = "";
    else if (withoutQuery.startsWith(`${base}/`)) path = withoutQuery.slice(base.length);
  }
  return { method: entry.method, path, query };
}
