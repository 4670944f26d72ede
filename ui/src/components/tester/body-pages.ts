// The lines of a response body the viewer has fetched, in pages. The core keeps the body; the
// window asks for the pages on screen (plus a little around them) and keeps only the most
// recent few, so scrolling through a 20 MB body never holds it all in the web view.
import type { BodyMode, BodyPage } from "../../bindings";

export type FetchPage = (mode: BodyMode, start: number, count: number) => Promise<BodyPage>;

export const PAGE_SIZE = 200;
/** 1,600 lines: a few screens either way, never a large part of a big body. */
const KEPT_PAGES = 8;

export class BodyPages {
  /** Insertion order is recency: the first entry is the one to drop. */
  private readonly pages = new Map<string, string[]>();
  private readonly pending = new Set<string>();
  /** The last failure to fetch a page, for the viewer to show. */
  error: unknown = null;

  constructor(
    private readonly fetchPage: FetchPage,
    private readonly onchange: () => void,
    readonly pageSize = PAGE_SIZE,
    private readonly keptPages = KEPT_PAGES,
  ) {}

  private key(mode: BodyMode, page: number) {
    return `${mode}:${page}`;
  }

  /** Line `n` of `mode`, or `undefined` while its page is not here. */
  line(mode: BodyMode, n: number): string | undefined {
    const page = this.pages.get(this.key(mode, Math.floor(n / this.pageSize)));
    return page?.[n % this.pageSize];
  }

  /** Fetches the pages holding lines `first..last` (inclusive) that are not here yet. */
  want(mode: BodyMode, first: number, last: number) {
    if (last < first) return;
    for (let page = Math.floor(first / this.pageSize); page <= Math.floor(last / this.pageSize); page += 1) {
      const key = this.key(mode, page);
      const kept = this.pages.get(key);
      if (kept) {
        // Touch: pages on screen are the last to be dropped.
        this.pages.delete(key);
        this.pages.set(key, kept);
        continue;
      }
      if (this.pending.has(key)) continue;
      this.pending.add(key);
      this.fetchPage(mode, page * this.pageSize, this.pageSize)
        .then((result) => {
          this.pages.set(key, result.lines);
          while (this.pages.size > this.keptPages) {
            const oldest = this.pages.keys().next().value;
            if (oldest === undefined) break;
            this.pages.delete(oldest);
          }
          this.error = null;
        })
        .catch((error: unknown) => {
          this.error = error;
        })
        .finally(() => {
          this.pending.delete(key);
          this.onchange();
        });
    }
  }

  /** How many pages are kept (for tests). */
  get size() {
    return this.pages.size;
  }
}
