/**
 * A NON_COMPLIANT notebook's annotation: the failed checks' words joined by `; `, and where to fix the notebook
 * when its code owns it (ownership.ts), within what Config keeps. Every door (Config, Security Hub, the CLI,
 * the scans, the hook) carries these same words.
 */
import { type IacOwner, NOTE_FORMS, ownershipNote } from './ownership';
import { TRUNCATION_MARKER, truncate } from './text';

/** Config keeps 1 to 256 characters of an annotation. */
export const MAX_ANNOTATION_LENGTH = 256;

/**
 * Without an owner the checks' words are returned whole (delivery cuts them, report.ts: the last check, whose
 * length varies, is the one cut). With one, the text fits Config's limit: the owner's note is kept and the last
 * check's detail cut to make room; if even that is not enough, a shorter form of the note (without the stack or
 * tag, then without the advice: every check failing at once, with the longest ids, leaves room for no more);
 * last, the note itself is cut. No check is ever left unnamed.
 */
export function annotationOf(messages: readonly string[], owner?: IacOwner): string {
  const checks = messages.join('; ');
  if (owner === undefined) return checks;
  const least = leastOfChecks(messages);
  for (const note of NOTE_FORMS.map((form) => ownershipNote(owner, form))) {
    const room = MAX_ANNOTATION_LENGTH - note.length - 2;
    if (checks.length <= room) return `${checks}; ${note}`;
    if (room >= least) return `${truncate(checks, room)}; ${note}`;
  }
  return truncate(`${truncate(checks, least)}; ${ownershipNote(owner, 'tiny')}`, MAX_ANNOTATION_LENGTH);
}

/** The checks' words cut as far as they may be: the last check down to its label (`Open ingress: `). */
function leastOfChecks(messages: readonly string[]): number {
  const last = messages.at(-1) ?? '';
  const label = last.indexOf(': ');
  const whole = messages.join('; ').length;
  return label < 0 ? whole : whole - last.length + label + 2 + TRUNCATION_MARKER.length;
}
