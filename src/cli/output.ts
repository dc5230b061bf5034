// How commands print: aligned columns for people, JSON (`--json`) for scripts.
export function printJSON(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints rows as aligned columns under a header. */
export function printTable(headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  process.stdout.write(`${[line(headers), ...rows.map(line)].join('\n')}\n`);
}

/** Prints `views` as JSON with --json, else as a table under `headers` with the cells `row` gives for each view. */
export function printRows<T>(views: T[], options: { json?: boolean }, headers: string[], row: (view: T) => string[]): void {
  if (options.json) printJSON(views);
  else printTable(headers, views.map(row));
}

export function isoTime(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}
