// Waiting for a browser login to end. The core finishes a login on its own (the deep link or
// loopback redirect arrives outside the window) and records a LoginReport; the window polls
// `oauthLogins()` once a second for a report that is new since the login started and is about
// this connection (success names the connection, a failure usually names none).
import type { LoginReport } from "../../bindings";
import { errorText, oauthLogins } from "../../lib/ipc";

export const POLL_MS = 1000;
/** The core forgets a started login after ten minutes (LOGIN_TTL); stop waiting a little later. */
export const GIVE_UP_MS = 10 * 60 * 1000 + 15 * 1000;

const reportKey = (r: LoginReport) => `${r.at}|${r.ok}|${r.connection ?? ""}|${r.message}`;

/** What is already reported before a login starts (so an old report is never taken for it). */
export type LoginBaseline = { keys: Set<string>; startedAt: number };

export async function loginBaseline(): Promise<LoginBaseline> {
  const startedAt = Date.now();
  try {
    return { keys: new Set((await oauthLogins()).map(reportKey)), startedAt };
  } catch {
    // The start itself will report a broken broker; the time check below still applies.
    return { keys: new Set(), startedAt };
  }
}

/** The report that ends the login for `name`, if `reports` holds one. */
export function findLoginReport(
  reports: LoginReport[],
  name: string,
  baseline: LoginBaseline,
): LoginReport | undefined {
  // Reports carry whole seconds; allow one more for the two clocks' rounding.
  const notBefore = Math.floor(baseline.startedAt / 1000) * 1000 - 1000;
  return reports.find((r) => {
    if (baseline.keys.has(reportKey(r))) return false;
    const at = Date.parse(r.at);
    if (!Number.isNaN(at) && at < notBefore) return false;
    return r.connection === name || !r.ok;
  });
}

export type LoginWatch = { stop: () => void };

/**
 * Polls until the login for `name` reports (`onreport`), or gives up (`onexpired`).
 * A poll that fails is retried; its text goes to `onpollerror` (empty text once polls work again).
 */
export function watchLogin(options: {
  name: string;
  baseline: LoginBaseline;
  onreport: (report: LoginReport) => void;
  onexpired: () => void;
  onpollerror?: (message: string) => void;
}): LoginWatch {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = options.baseline.startedAt + GIVE_UP_MS;

  async function poll() {
    if (stopped) return;
    try {
      const report = findLoginReport(await oauthLogins(), options.name, options.baseline);
      if (stopped) return;
      options.onpollerror?.("");
      if (report) {
        stopped = true;
        options.onreport(report);
        return;
      }
    } catch (error) {
      if (stopped) return;
      options.onpollerror?.(errorText(error));
    }
    if (Date.now() >= deadline) {
      stopped = true;
      options.onexpired();
      return;
    }
    timer = setTimeout(poll, POLL_MS);
  }

  timer = setTimeout(poll, POLL_MS);
  return {
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}

export const EXPIRED_MESSAGE =
  "Nothing came back from the browser within ten minutes, so this login has expired.";
