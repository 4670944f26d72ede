#!/usr/bin/env node
// A real OpenID Connect / OAuth 2.0 authorization server for Patchbay's OAuth tests:
// oidc-provider (a certified implementation) with its own login and consent pages, the test
// clients below, and a small protected API that checks access tokens against the provider's own
// store. Listens on 127.0.0.1 only; prints `listening http://127.0.0.1:PORT` when ready.
//
// Environment:
//   OIDC_PORT            port (default 0: a free one)
//   OIDC_CLIENT_SECRET   the secret of the confidential clients (default "test-client-secret")
//   OIDC_ACCESS_TTL      access-token lifetime in seconds (default 3600; see POST /test/ttl)
//   OIDC_ROTATE_REFRESH  "1": every refresh returns a new refresh token and revokes the old one
//
// Test-only endpoints (never in a real provider; they let a test say what the server did):
//   GET  /test/stats           {"grants": {"authorization_code": n, ...}, "revocations": n (answered 200)}
//   POST /test/ttl?seconds=N   access tokens issued from now on live N seconds
//   POST /test/forget-grants   drops every grant and token: refreshes fail with invalid_grant
//   POST /test/drop-access     drops every access token: the API answers 401 until a refresh
//   GET  /test/tokens          every token and code value issued so far (for the tests' canary scan)
// Protected API (a resource server of this provider):
//   GET  /api/me               200 {"sub", "scope", "client_id"} with a live access token, else 401
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const secret = process.env.OIDC_CLIENT_SECRET || 'test-client-secret';
let accessTtl = Number(process.env.OIDC_ACCESS_TTL || 3600);
const rotate = process.env.OIDC_ROTATE_REFRESH === '1';

// An in-memory store the test endpoints can inspect and clear (oidc-provider's adapter API).
const store = new Map();
class MemoryAdapter {
  constructor(model) { this.model = model; }
  key(id) { return `${this.model}:${id}`; }
  async upsert(id, payload, expiresIn) {
    if (remember(this.model)) issued.add(id);
    store.set(this.key(id), { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined });
  }
  async find(id) {
    const hit = store.get(this.key(id));
    if (!hit) return undefined;
    if (hit.expiresAt && hit.expiresAt < Date.now()) { store.delete(this.key(id)); return undefined; }
    return hit.payload;
  }
  async findByUid(uid) {
    for (const [k, v] of store) if (k.startsWith(`${this.model}:`) && v.payload.uid === uid) return v.payload;
    return undefined;
  }
  async findByUserCode() { return undefined; }
  async consume(id) { const hit = store.get(this.key(id)); if (hit) hit.payload.consumed = Math.floor(Date.now() / 1000); }
  async destroy(id) { store.delete(this.key(id)); }
  async revokeByGrantId(grantId) {
    for (const [k, v] of store) if (v.payload.grantId === grantId) store.delete(k);
  }
}

function dropModels(...models) {
  for (const k of [...store.keys()]) if (models.some((m) => k.startsWith(`${m}:`))) store.delete(k);
}

const scopes = ['openid', 'offline_access', 'email', 'profile', 'api:read', 'api:write'];
const confidential = (clientId, method) => ({
  client_id: clientId,
  client_secret: secret,
  application_type: 'native',
  token_endpoint_auth_method: method,
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  redirect_uris: ['http://127.0.0.1/oauth/callback', 'patchbay://oauth/callback'],
  scope: scopes.join(' '),
});

const port = Number(process.env.OIDC_PORT || 0);
const http = createServer();
await new Promise((resolve) => http.listen(port, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${http.address().port}`;

const stats = { grants: {}, revocations: 0 };
// Opaque token values are their store ids; remembered even after they are dropped.
const issued = new Set();
const remember = (model) => model === 'AccessToken' || model === 'RefreshToken'
  || model === 'ClientCredentials' || model === 'AuthorizationCode';

const provider = new Provider(issuer, {
  adapter: MemoryAdapter,
  clients: [
    confidential('patchbay-basic', 'client_secret_basic'),
    confidential('patchbay-body', 'client_secret_post'),
    { ...confidential('patchbay-public', 'none'), client_secret: undefined },
    {
      client_id: 'patchbay-service',
      client_secret: secret,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: 'api:read api:write',
    },
  ],
  scopes,
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  findAccount: async (_ctx, id) => ({
    accountId: id,
    claims: async () => ({ sub: id, email: `${id}@example.test`, email_verified: true, name: `Test ${id}` }),
  }),
  features: {
    devInteractions: { enabled: true },
    clientCredentials: { enabled: true },
    revocation: { enabled: true },
    userinfo: { enabled: true },
  },
  pkce: { required: () => true },
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: () => rotate,
  ttl: {
    AccessToken: () => accessTtl,
    ClientCredentials: () => accessTtl,
    AuthorizationCode: 60,
    Grant: 14 * 24 * 3600,
    IdToken: 3600,
    Interaction: 600,
    RefreshToken: 14 * 24 * 3600,
    Session: 14 * 24 * 3600,
  },
  cookies: { keys: ['patchbay-test-cookie-key'] },
});
// Plain http on 127.0.0.1: the provider must not insist on TLS for this test issuer.
provider.proxy = false;

provider.on('grant.success', (ctx) => {
  const type = ctx.oidc.params.grant_type;
  stats.grants[type] = (stats.grants[type] || 0) + 1;
});
provider.on('server_error', (_ctx, err) => console.error('oidc-provider server_error:', err));

const callback = provider.callback();

async function api(req, res) {
  const auth = req.headers.authorization || '';
  const match = /^bearer\s+(.+)$/i.exec(auth);
  const token = match && (await provider.AccessToken.find(match[1])
    || await provider.ClientCredentials.find(match[1]));
  if (!token || token.isExpired) {
    res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer error="invalid_token"' });
    res.end(JSON.stringify({ error: 'invalid_token', error_description: 'the access token is missing, expired or revoked' }));
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ sub: token.accountId || null, client_id: token.clientId, scope: token.scope || '' }));
}

function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

http.on('request', (req, res) => {
  const url = new URL(req.url, issuer);
  if (url.pathname === '/api/me') {
    api(req, res).catch((err) => { console.error(err); json(res, 500, { error: 'api failed' }); });
  } else if (url.pathname === '/test/stats') {
    json(res, 200, stats);
  } else if (url.pathname === '/test/tokens') {
    json(res, 200, [...issued]);
  } else if (url.pathname === '/test/ttl' && req.method === 'POST') {
    accessTtl = Number(url.searchParams.get('seconds'));
    json(res, 200, { access_ttl: accessTtl });
  } else if (url.pathname === '/test/forget-grants' && req.method === 'POST') {
    dropModels('Grant', 'RefreshToken', 'AccessToken', 'AuthorizationCode', 'Session');
    json(res, 200, { ok: true });
  } else if (url.pathname === '/test/drop-access' && req.method === 'POST') {
    dropModels('AccessToken', 'ClientCredentials');
    json(res, 200, { ok: true });
  } else {
    if (url.pathname === '/token/revocation') {
      res.on('finish', () => { if (res.statusCode === 200) stats.revocations += 1; });
    }
    callback(req, res);
  }
});

process.on('SIGTERM', () => process.exit(0));
console.log(`listening ${issuer}`);
