// Numbers the tester shows: byte sizes, durations and counts, in words a person reads at a glance.

const BYTE_UNITS = ["KB", "MB", "GB"];

/** "512 B", "1.5 KB", "20.0 MB" (1 KB = 1024 bytes). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

/** "85 ms", "1.24 s"; "—" when the phase did not happen. */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** "1,000,000" */
export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** "1 match", "12 matches". */
export function countOf(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
