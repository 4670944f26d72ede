// Colouring of one display line of a JSON body, plus the search matches inside it. The body
// viewer runs this only for the lines on screen, so a tiny regular-expression tokenizer is
// enough: it never sees the whole document, and a string cut by a wrapped line still colours.

export type TokenKind = "key" | "string" | "number" | "literal" | "punct" | "text";

export interface Segment {
  kind: TokenKind;
  text: string;
  /** Part of a search match. */
  mark: boolean;
}

const TOKEN =
  /(\s+)|("(?:[^"\\]|\\.)*"?)(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(true|false|null)\b|([{}[\],:])|([^\s"{}[\],:]+)/y;

/** Splits `line` into JSON tokens; the concatenated texts are `line` again. */
export function tokenizeJsonLine(line: string): { kind: TokenKind; text: string }[] {
  const tokens: { kind: TokenKind; text: string }[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < line.length) {
    const m = TOKEN.exec(line);
    if (!m) {
      tokens.push({ kind: "text", text: line.slice(TOKEN.lastIndex) });
      break;
    }
    if (m[1]) tokens.push({ kind: "text", text: m[1] });
    else if (m[2] !== undefined) {
      tokens.push({ kind: m[3] ? "key" : "string", text: m[2] });
      if (m[3]) tokens.push({ kind: "punct", text: m[3] });
    } else if (m[4]) tokens.push({ kind: "number", text: m[4] });
    else if (m[5]) tokens.push({ kind: "literal", text: m[5] });
    else if (m[6]) tokens.push({ kind: "punct", text: m[6] });
    else tokens.push({ kind: "text", text: m[7] });
  }
  return tokens;
}

/** Lower case for A–Z only, so offsets stay those of the original (the core's search is ASCII-case-insensitive too). */
function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** Character ranges of `query` in `line`, ignoring ASCII case. */
export function matchRanges(line: string, query: string): [number, number][] {
  if (!query) return [];
  const hay = asciiLower(line);
  const needle = asciiLower(query);
  const ranges: [number, number][] = [];
  for (let at = hay.indexOf(needle); at !== -1; at = hay.indexOf(needle, at + needle.length)) {
    ranges.push([at, at + needle.length]);
  }
  return ranges;
}

/** The segments to render for one line: JSON tokens when `json`, split where search matches begin and end. */
export function lineSegments(line: string, json: boolean, query: string): Segment[] {
  const tokens = json ? tokenizeJsonLine(line) : [{ kind: "text" as const, text: line }];
  const ranges = matchRanges(line, query);
  if (ranges.length === 0) return tokens.map((t) => ({ ...t, mark: false }));
  const cuts = new Set<number>(ranges.flat());
  const inMatch = (offset: number) => ranges.some(([a, b]) => offset >= a && offset < b);
  const segments: Segment[] = [];
  let offset = 0;
  for (const token of tokens) {
    let start = 0;
    for (let i = 1; i <= token.text.length; i += 1) {
      if (i === token.text.length || cuts.has(offset + i)) {
        segments.push({
          kind: token.kind,
          text: token.text.slice(start, i),
          mark: inMatch(offset + start),
        });
        start = i;
      }
    }
    offset += token.text.length;
  }
  return segments;
}
