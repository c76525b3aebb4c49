/** Plain-text rendering of benchmark figures: units, medians with spread, ratios and aligned tables. */
import type { Summary } from './statistics';

const MIB = 1024 * 1024;

export const kib = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KiB`;
export const mib = (bytes: number): string => `${(bytes / MIB).toFixed(1)} MiB`;
export const times = (value: number): string => `${value.toFixed(1)}x`;

export function milliseconds(value: number): string {
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(value >= 100 ? 0 : 1)} ms`;
}

/** "123 ms [110–140]": the median, then the range over the runs. */
export function spread(summary: Summary, unit: (value: number) => string = milliseconds): string {
  if (summary.runs === 1) return `${unit(summary.median)} (1 run)`;
  return `${unit(summary.median)} [${unit(summary.min)}–${unit(summary.max)}]`;
}

/** Simulated seconds as "1 h 02 min 05 s" / "12 min 05 s" / "45 s". */
export function duration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.round(seconds % 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (h > 0) return `${h} h ${pad(m)} min ${pad(s)} s`;
  return m > 0 ? `${m} min ${pad(s)} s` : `${s} s`;
}

/** A number with an optional unit, and optionally its range: right-aligned in tables. */
const NUMERIC = /^[\d.,]+(?: ?(?:ms|s|KiB|MiB|x))?(?: \[[^\]]*\]| \(1 run\))?$/;

/** An aligned text table: figures right-aligned, text left-aligned. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const ragged = rows.find((row) => row.length !== headers.length);
  if (ragged)
    throw new Error(`a row has ${ragged.length} cells for ${headers.length} columns: ${ragged.join(' | ')}`);
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        return NUMERIC.test(cell) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

export function heading(title: string): string {
  return `\n## ${title}\n`;
}

/** "A: 3, B: 1" for a map of counts, largest first. */
export function counts(byName: Readonly<Record<string, number>>): string {
  const entries = Object.entries(byName).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  return entries.length === 0 ? 'none' : entries.map(([name, count]) => `${name} ${count}`).join(', ');
}
