/**
 * Who owns a notebook's definition: tags that say CloudFormation (and so CDK) or Terraform manages it. A finding
 * then says where to fix the notebook, and the runbook does not recreate it behind its owner's back: the owner
 * would put it back in the old network (and delete its data) on its next deploy.
 *
 * A marker is a tag key (the tag with any value) or `Key=Value` (that value only; the first `=` separates them);
 * keys and values match case-insensitively. The runbook's check document reads the same markers the same way
 * (remediation/scripts/check_notebook.py; a test runs both on the same cases).
 */
import { describeValue } from './text';

/**
 * CloudFormation tags what it creates with its stack (when its tags reach the resource type); Terraform adds
 * nothing by itself, so these are the markers teams put in `default_tags` most often.
 */
export const DEFAULT_IAC_OWNERSHIP_TAG_KEYS: readonly string[] = [
  'aws:cloudformation:stack-name',
  'aws:cloudformation:stack-id',
  'aws:cloudformation:logical-id',
  'ManagedBy=terraform',
  'managed-by=terraform',
  'managed_by=terraform',
  'Terraform=true',
];

/** A marker: a tag key of printable ASCII tag characters, optionally `=` and a value. */
export const IAC_OWNERSHIP_MARKER = /^[A-Za-z0-9 _.:/+@-]{1,128}(?:=[A-Za-z0-9 _.:/=+@-]{1,256})?$/;
export const MAX_IAC_OWNERSHIP_MARKERS = 50;

const CLOUDFORMATION_KEY = 'aws:cloudformation:';
const STACK_NAME_KEY = 'aws:cloudformation:stack-name';
const STACK_ID_KEY = 'aws:cloudformation:stack-id';
/** arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid> */
const STACK_ID = /^arn:[^:]+:cloudformation:[^:]*:\d*:stack\/([^/]+)\//;

export interface IacOwner {
  /** undefined: a marker of the user's that names no tool we know. */
  readonly tool?: 'CloudFormation' | 'Terraform';
  /** The tag that matched a marker. */
  readonly tagKey: string;
  readonly tagValue: string;
  readonly stackName?: string;
}

/** The owner the first matching marker names (markers in order; a marker's tags by key), or undefined. */
export function iacOwnerOf(
  tags: Readonly<Record<string, string>>,
  markers: readonly string[],
): IacOwner | undefined {
  const keys = Object.keys(tags).sort();
  for (const marker of markers) {
    const [key = '', ...valueParts] = marker.split('=');
    const value = valueParts.join('=');
    const tagKey = keys.find(
      (candidate) =>
        candidate.toLowerCase() === key.toLowerCase() &&
        (value === '' || (tags[candidate] ?? '').toLowerCase() === value.toLowerCase()),
    );
    if (tagKey !== undefined) return ownerFrom(tags, tagKey);
  }
  return undefined;
}

function ownerFrom(tags: Readonly<Record<string, string>>, tagKey: string): IacOwner {
  const tagValue = tags[tagKey] ?? '';
  if (tagKey.toLowerCase().startsWith(CLOUDFORMATION_KEY)) {
    const stackName = tags[STACK_NAME_KEY] || STACK_ID.exec(tags[STACK_ID_KEY] ?? '')?.[1];
    return { tool: 'CloudFormation', tagKey, tagValue, ...(stackName && { stackName }) };
  }
  const terraform = `${tagKey}=${tagValue}`.toLowerCase().includes('terraform');
  return { ...(terraform && { tool: 'Terraform' as const }), tagKey, tagValue };
}

export const NOTE_FORMS = ['full', 'short', 'tiny'] as const;

/**
 * Where to fix the notebook, e.g. `managed by CloudFormation stack analytics-prod: fix the template`; shorter
 * forms for an annotation the full words do not fit: `short` leaves out the stack or tag, `tiny` the advice.
 */
export function ownershipNote(owner: IacOwner, form: (typeof NOTE_FORMS)[number] = 'full'): string {
  const fix = owner.tool === 'CloudFormation' ? 'fix the template' : 'fix the code';
  const by = owner.tool ? `managed by ${owner.tool}` : 'managed as code';
  if (form === 'tiny') return by;
  if (form === 'short') return `${by}: ${fix}`;
  const which =
    owner.stackName !== undefined ? ` stack ${owner.stackName}` : ` (tag ${owner.tagKey}=${owner.tagValue})`;
  return `${by}${which}: ${fix}`;
}

/** Validated markers (as a CSV's entries or a list): trimmed, de-duplicated; throws naming a bad one. */
export function parseIacOwnershipMarkers(entries: readonly string[]): string[] {
  const markers = [...new Set(entries.map((entry) => entry.trim()).filter((entry) => entry !== ''))];
  const malformed = markers.filter((marker) => !IAC_OWNERSHIP_MARKER.test(marker));
  if (malformed.length > 0) {
    throw new Error(
      `malformed marker(s) ${malformed.map(describeValue).join(', ')}: a tag key, or Key=Value ` +
        '(letters, digits, spaces and _.:/+@- ; at most 128 characters of key and 256 of value)',
    );
  }
  if (markers.length > MAX_IAC_OWNERSHIP_MARKERS) {
    throw new Error(`at most ${MAX_IAC_OWNERSHIP_MARKERS} markers, got ${markers.length}`);
  }
  return markers;
}
