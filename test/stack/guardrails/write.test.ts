/** The synth step's writer, and the licence boundary: AGPL simulators never reach shipped code. */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { guardrailPolicies, writeGuardrails } from '../../../stack/guardrails';
import { EXAMPLE_SETTINGS } from './support';

describe('writeGuardrails', () => {
  it('writes scp.json and iam-policy.json holding the generated documents, creating the folder', () => {
    const outDir = join(mkdtempSync(join(tmpdir(), 'guardrails-')), 'dist', 'guardrails');
    const written = writeGuardrails(outDir, EXAMPLE_SETTINGS);
    expect(readdirSync(outDir).sort()).toEqual(['iam-policy.json', 'scp.json']);
    const expected = guardrailPolicies(EXAMPLE_SETTINGS);
    expect(JSON.parse(readFileSync(join(outDir, 'scp.json'), 'utf8'))).toEqual(expected.scp);
    expect(JSON.parse(readFileSync(join(outDir, 'iam-policy.json'), 'utf8'))).toEqual(expected.iamPolicy);
    expect(written).toEqual(expected);
  });

  it('writes the same bytes every time', () => {
    const texts = [1, 2].map(() => {
      const outDir = mkdtempSync(join(tmpdir(), 'guardrails-'));
      writeGuardrails(outDir, EXAMPLE_SETTINGS);
      return readFileSync(join(outDir, 'scp.json'), 'utf8');
    });
    expect(texts[1]).toBe(texts[0]);
  });
});

describe('licence boundary', () => {
  it('keeps the AGPL iam-simulate and iam-policy out of stack/ and rule/ code', () => {
    const root = new URL('../../../', import.meta.url);
    const sources = ['stack', 'rule', 'remediation'].flatMap((folder) =>
      readdirSync(new URL(`${folder}/`, root), { recursive: true, encoding: 'utf8' })
        .filter((file) => file.endsWith('.ts'))
        .map((file) => new URL(`${folder}/${file}`, root)),
    );
    expect(sources.length).toBeGreaterThan(10);
    const offending = sources.filter((file) =>
      /@cloud-copilot\/iam-(?:simulate|policy)/.test(readFileSync(file, 'utf8')),
    );
    expect(offending.map(String)).toEqual([]);
  });
});
