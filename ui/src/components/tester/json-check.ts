// Where a JSON text breaks, as line and column. JSON.parse decides whether the text is valid;
// its messages differ between web views (WebKitGTK gives no position at all), so a small
// scanner finds the spot itself and says what was expected there.

export interface JsonProblem {
  message: string;
  /** 1-based. */
  line: number;
  /** 1-based, in characters. */
  column: number;
}

class Broken extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

const WS = new Set([" ", "\t", "\n", "\r"]);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class Scanner {
  i = 0;
  constructor(readonly s: string) {}

  fail(message: string): never {
    throw new Broken(this.i, message);
  }

  skip() {
    while (this.i < this.s.length && WS.has(this.s[this.i])) this.i += 1;
  }

  describe(): string {
    return this.i >= this.s.length ? "the end of the text" : `'${this.s[this.i]}'`;
  }

  value(depth: number) {
    if (depth > 2000) this.fail("nested too deeply");
    this.skip();
    const c = this.s[this.i];
    if (c === "{") return this.object(depth);
    if (c === "[") return this.array(depth);
    if (c === '"') return this.string();
    if (c === "-" || (c >= "0" && c <= "9")) return this.number();
    for (const word of ["true", "false", "null"]) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length;
        return;
      }
    }
    this.fail(`expected a value, found ${this.describe()}`);
  }

  object(depth: number) {
    this.i += 1;
    this.skip();
    if (this.s[this.i] === "}") {
      this.i += 1;
      return;
    }
    for (;;) {
      this.skip();
      if (this.s[this.i] !== '"') {
        this.fail(`expected a property name in double quotes, found ${this.describe()}`);
      }
      this.string();
      this.skip();
      if (this.s[this.i] !== ":") this.fail(`expected ':' after the property name, found ${this.describe()}`);
      this.i += 1;
      this.value(depth + 1);
      this.skip();
      const c = this.s[this.i];
      if (c === "}") {
        this.i += 1;
        return;
      }
      if (c !== ",") this.fail(`expected ',' or '}', found ${this.describe()}`);
      this.i += 1;
      this.skip();
      if (this.s[this.i] === "}") this.fail("a trailing ',' before '}' is not allowed");
    }
  }

  array(depth: number) {
    this.i += 1;
    this.skip();
    if (this.s[this.i] === "]") {
      this.i += 1;
      return;
    }
    for (;;) {
      this.value(depth + 1);
      this.skip();
      const c = this.s[this.i];
      if (c === "]") {
        this.i += 1;
        return;
      }
      if (c !== ",") this.fail(`expected ',' or ']', found ${this.describe()}`);
      this.i += 1;
      this.skip();
      if (this.s[this.i] === "]") this.fail("a trailing ',' before ']' is not allowed");
    }
  }

  string() {
    this.i += 1;
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === '"') {
        this.i += 1;
        return;
      }
      if (c === "\\") {
        const e = this.s[this.i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(this.s.slice(this.i + 2, this.i + 6))) {
            this.i += 1;
            this.fail("expected four hex digits after \\u");
          }
          this.i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) {
          this.i += 1;
          this.fail(`invalid escape '\\${e ?? ""}'`);
        }
        this.i += 2;
        continue;
      }
      if (c < " ") this.fail("a line break or control character inside a string must be escaped");
      this.i += 1;
    }
    this.fail("the string is not closed (missing '\"')");
  }

  number() {
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.s);
    if (!m || m[0] === "-") this.fail(`expected a number, found ${this.describe()}`);
    this.i += m[0].length;
  }
}

function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i += 1) {
    if (text[i] === "\n") {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** `null` when `text` is valid JSON (or blank: nothing to check yet). */
export function jsonProblem(text: string): JsonProblem | null {
  if (text.trim() === "") return null;
  try {
    JSON.parse(text);
    return null;
  } catch (error) {
    const fallback = error instanceof Error ? error.message : String(error);
    try {
      const scanner = new Scanner(text);
      scanner.value(0);
      scanner.skip();
      if (scanner.i < text.length) scanner.fail(`unexpected ${scanner.describe()} after the JSON value`);
    } catch (broken) {
      if (broken instanceof Broken) return { message: broken.message, ...position(text, broken.offset) };
    }
    return { message: fallback, line: 1, column: 1 };
  }
}
