// Sample values of the tester's IPC types, shaped like what the core returns, for the tests.
import type {
  BodyMode,
  BodyPage,
  HistoryEntry,
  Hop,
  IntegrationType,
  RequestPreview,
  TesterRequest,
  TesterResult,
} from "../../bindings";

export const ACME_TYPE: IntegrationType = {
  id: "it_acme",
  origin: "created",
  editable: true,
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
  slug: "acme",
  display_name: "Acme billing",
  description: "Invoices and customers",
  base_url: "https://{{domain}}/api/v1",
  auth_patterns: [],
  actions: [
    {
      name: "create_invoice",
      display_name: "Create invoice",
      description: "Bills a customer",
      method: "POST",
      path: "/customers/{{customer_id}}/invoices",
      query: [{ name: "notify", value: "true" }],
      headers: [{ name: "X-Trace", value: "tester" }],
      body: { content_type: "application/json", template: '{"amount": {{amount}}}' },
      parameters: [
        { name: "customer_id", in: "path", required: true, description: "The customer's id" },
        { name: "amount", in: "query", required: false, description: "" },
      ],
      requires_auth: true,
    },
  ],
};

/** What the core previews for `request` on the Acme connection (API key in a header, masked). */
export function previewOf(request: TesterRequest): RequestPreview {
  const query = request.query
    .filter((q) => q.name)
    .map((q) => `&${q.name}=${q.value}`)
    .join("");
  return {
    connection: request.connection,
    method: request.method,
    url: `https://acme.example/api/v1${request.path}?api_key=••••1234${query}`,
    headers: [
      { name: "x-api-key", value: "••••1234" },
      { name: "user-agent", value: "patchbay/0.1" },
      ...request.headers.filter((h) => h.name),
    ],
    auth_type: "api_key",
    auth_headers: ["x-api-key"],
    auth_query: ["api_key"],
  };
}

export function hop(over: Partial<Hop> = {}): Hop {
  return {
    number: 1,
    method: "GET",
    url: "https://acme.example/api/v1/invoices",
    status: 200,
    credentials_sent: true,
    credentials_dropped: false,
    dropped: [],
    http_version: "HTTP/1.1",
    timing: { dns_connect_ms: 12, tls_ms: 30, ttfb_ms: 80, total_ms: 140, reused_connection: false },
    ...over,
  };
}

export function testerResult(requestId: string, over: Partial<TesterResult> = {}): TesterResult {
  return {
    request_id: requestId,
    outcome: {
      request: previewOf({
        connection: "Acme prod",
        method: "GET",
        path: "/invoices",
        query: [],
        headers: [],
        body: { kind: "none" },
        vars: {},
      }),
      response: {
        status: 200,
        reason: "OK",
        http_version: "HTTP/1.1",
        url: "https://acme.example/api/v1/invoices",
        headers: [
          { name: "content-type", value: "application/json" },
          { name: "x-request-id", value: "abc" },
        ],
        body: { data: "", encoding: "utf8", size: 20 * 1024 * 1024, size_exact: true, truncated: false },
      },
      hops: [hop()],
      timing: { dns_connect_ms: 12, tls_ms: 30, ttfb_ms: 80, total_ms: 1340 },
      started_at: "2026-01-02T03:04:05Z",
    },
    body: {
      is_text: true,
      has_pretty: true,
      raw_lines: 1,
      pretty_lines: 1_000_000,
      too_large: false,
    },
    history_warnings: [],
    ...over,
  };
}

/** A body of `total` lines `{"n": N, "name": "item N"}`, paged like the core does. */
export function pagedBody(total: number) {
  return async (_id: string, mode: BodyMode, start: number, count: number): Promise<BodyPage> => {
    const from = Math.min(start, total);
    const to = Math.min(total, from + Math.min(count, 2000));
    const lines: string[] = [];
    for (let n = from; n < to; n += 1) lines.push(`  {"n": ${n}, "name": "item ${n}"},`);
    return { mode, start: from, lines, total_lines: total };
  };
}

export function historyEntry(over: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    id: 1,
    connection_id: "cn_1",
    connection: "Acme prod",
    made_by: "user",
    purpose: "request",
    method: "GET",
    url: "https://acme.example/api/v1/customers?limit=5&api_key=••••1234",
    request_headers: [],
    status: 200,
    timing: { total_ms: 95 },
    hops: [],
    response_size: 120,
    response_body_truncated: false,
    created_at: "2026-01-02T03:04:05Z",
    ...over,
  };
}
