/** The build's pruning of Security Hub's ResourceDetails schema: only the notebook's member is kept. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keepOnlyNotebookResourceDetails } from '../../rule/build';

const DEFINITION = `export var ResourceDetails$ = [3, n0, _RDe,
    0,
    [_AEI, _ASMNI, _Ot],
    [() => AwsEc2InstanceDetails$, () => AwsSageMakerNotebookInstanceDetails$, 128 | 0]
];`;

describe('keepOnlyNotebookResourceDetails', () => {
  it('keeps the notebook member, name and schema, and nothing else', () => {
    expect(keepOnlyNotebookResourceDetails(`const a = 1;\n${DEFINITION}\nconst b = 2;`)).toBe(
      `const a = 1;\nexport var ResourceDetails$ = [3, n0, _RDe,\n    0,\n    [_ASMNI],\n    [() => AwsSageMakerNotebookInstanceDetails$]\n];\nconst b = 2;`,
    );
  });

  it('leaves a definition it does not recognize as it is', () => {
    const withoutNotebook = DEFINITION.replace('() => AwsSageMakerNotebookInstanceDetails$', '() => Other$');
    const unpaired = DEFINITION.replace('_ASMNI, ', '');
    for (const source of [withoutNotebook, unpaired, 'export var Something$ = [3, n0, _S, 0, [], []];']) {
      expect(keepOnlyNotebookResourceDetails(source)).toBe(source);
    }
  });

  it('applies to the installed SDK’s schema file (else the bundle silently keeps every resource type)', () => {
    const sdk = createRequire(import.meta.url).resolve('@aws-sdk/client-securityhub/package.json');
    const source = readFileSync(join(sdk, '..', 'dist-es', 'schemas', 'schemas_0.js'), 'utf8');
    const pruned = keepOnlyNotebookResourceDetails(source);
    expect(pruned).not.toBe(source);
    expect(pruned).toMatch(
      /ResourceDetails\$ = \[3, n0, _\w+,\s*0,\s*\[_\w+\],\s*\[\(\) => AwsSageMakerNotebookInstanceDetails\$\]/,
    );
  });
});
