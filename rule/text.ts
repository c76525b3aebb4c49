/** Small text helpers shared by error messages and annotations. */

export const TRUNCATION_MARKER = '…(truncated)';

/** Cuts text to at most `max` characters, ending with a visible marker when anything was cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max - TRUNCATION_MARKER.length)}${TRUNCATION_MARKER}`;
}

/** A short, safe rendering of an unexpected value for an error message (inputs can be huge). */
export function describeValue(value: unknown): string {
  const text = value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value));
  return truncate(text, 60);
}

/** An error as `Name: message` (anything else as its string), for logs and loud failures. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
