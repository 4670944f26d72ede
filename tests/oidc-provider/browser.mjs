#!/usr/bin/env node
// A scripted browser for Patchbay's OAuth tests: Patchbay runs it as `PATCHBAY_BROWSER` with the
// authorize URL as its only argument, and it does what a person would do in the system browser —
// follows redirects with cookies, signs in on the provider's login page, allows (or denies) on its
// consent page — until the provider sends it to Patchbay's redirect URI, which it then opens.
//
// Environment:
//   BROWSER_LOGIN     the account to sign in as (default "alice")
//   BROWSER_CONSENT   "allow" (default) or "deny"
//   BROWSER_CAPTURE   a file: write the final redirect URI there instead of opening it (the test
//                     then delivers it, or a tampered copy, itself)
//   BROWSER_LOG       a file to append one line per page visited (for debugging a failing test)
import { appendFileSync, writeFileSync } from 'node:fs';

const start = process.argv[2];
if (!start) {
  console.error('browser.mjs: usage: browser.mjs URL');
  process.exit(2);
}
const login = process.env.BROWSER_LOGIN || 'alice';
const consent = process.env.BROWSER_CONSENT || 'allow';
const cookies = new Map();

function log(line) {
  if (process.env.BROWSER_LOG) appendFileSync(process.env.BROWSER_LOG, `${line}\n`);
}

function remember(res) {
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const eq = pair.indexOf('=');
    cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
  }
}

function cookieHeader() {
  return [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
}

function isPatchbayRedirect(url) {
  return url.protocol === 'patchbay:' || url.pathname === '/oauth/callback';
}

async function visit(url, init = {}) {
  log(`${init.method || 'GET'} ${url}`);
  const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...init.headers, cookie: cookieHeader() } });
  remember(res);
  return res;
}

async function deliver(url) {
  if (process.env.BROWSER_CAPTURE) {
    writeFileSync(process.env.BROWSER_CAPTURE, url.href);
    return;
  }
  const res = await fetch(url);
  const page = await res.text();
  log(`callback answered ${res.status}: ${page.replace(/\s+/g, ' ').slice(0, 200)}`);
}

let url = new URL(start);
for (let step = 0; step < 30; step += 1) {
  if (isPatchbayRedirect(url)) {
    await deliver(url);
    process.exit(0);
  }
  const res = await visit(url);
  if (res.status >= 300 && res.status < 400) {
    url = new URL(res.headers.get('location'), url);
    continue;
  }
  const page = await res.text();
  if (res.status !== 200) {
    console.error(`browser.mjs: ${url} answered ${res.status}: ${page.slice(0, 500)}`);
    process.exit(1);
  }
  const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
  const prompt = /name="prompt" value="([^"]+)"/.exec(page)?.[1];
  if (!action || !prompt) {
    console.error(`browser.mjs: no login or consent form at ${url}: ${page.slice(0, 500)}`);
    process.exit(1);
  }
  let next;
  if (prompt === 'consent' && consent === 'deny') {
    const abort = /href="([^"]*\/abort)"/.exec(page)?.[1];
    next = await visit(new URL(abort, url));
  } else {
    const form = prompt === 'login' ? { prompt, login, password: 'any password' } : { prompt };
    next = await visit(new URL(action.replaceAll('&amp;', '&'), url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }
  if (next.status < 300 || next.status >= 400) {
    console.error(`browser.mjs: submitting the ${prompt} form answered ${next.status}`);
    process.exit(1);
  }
  url = new URL(next.headers.get('location'), url);
}
console.error('browser.mjs: gave up after 30 pages');
process.exit(1);
