/**
 * What the build does to the script steps to fit SSM's 64 KB keeps their meaning: compactPython leaves each
 * source's syntax tree as Python itself parses it, and the hooks arrive in the scripts byte for byte.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { embeddedScript, SCRIPT_FILES } from '../../remediation/index';
import { compactPython } from '../../remediation/scripts';
import { pythonFor, withPython3 } from '../support/needs-python';
import { PYTHON_TIMEOUT_MS } from '../support/python';

const read = (path: string) =>
  readFileSync(new URL(`../../remediation/scripts/${path}`, import.meta.url), 'utf8');
const SOURCES = [...SCRIPT_FILES, 'common'].map((name) => read(`${name}.py`));

/** Runs `program` with python3 (no boto3 needed) on `input` (JSON on stdin); its output lines. */
function python(program: string, input: unknown): string[] {
  const run = spawnSync(pythonFor('python3'), ['-c', program], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    timeout: PYTHON_TIMEOUT_MS,
  });
  expect(run.error).toBeUndefined();
  expect(run.stderr).toBe('');
  return run.stdout.trimEnd().split('\n');
}

describe('compactPython', () => {
  withPython3.it("leaves every script's syntax tree as it was, and makes it smaller", () => {
    const dump =
      'import ast, json, sys\nfor source in json.load(sys.stdin): print(ast.dump(ast.parse(source)))';
    const compacted = SOURCES.map(compactPython);
    expect(python(dump, compacted)).toEqual(python(dump, SOURCES));
    expect(compacted.join('').length).toBeLessThan(SOURCES.join('').length - 1000);
  });

  it('single-quotes strings without a single quote inside, keeps the others and drops trailing comments', () => {
    const code = [
      'x = "a # b"  # a "comment"',
      `y = f"{d['k']}" + r"\\d" + "say \\"hi\\""`,
      `z = """a "b" """`,
    ];
    expect(compactPython(code.join('\n')).split('\n')).toEqual([
      "x = 'a # b'",
      `y = f"{d['k']}" + r'\\d' + 'say \\"hi\\"'`,
      `z = """a "b" """`,
    ]);
  });
});

withPython3.it('embeds each hook verbatim (its comment lines aside)', () => {
  const hooks = [
    ['check_notebook', 'BACKUP_HOOK', 'backup-on-start.sh'],
    ['check_notebook', 'RESTORE_HOOK', 'restore-on-start.sh'],
    ['create_notebook', 'RESTORE_HOOK', 'restore-on-start.sh'],
  ] as const;
  // The hook's value as Python reads it from the literal (running the script would need boto3).
  const printHook =
    'import ast, json, sys\nfor script, name in json.load(sys.stdin):\n' +
    ' [value] = [n.value for n in ast.parse(script).body if isinstance(n, ast.Assign)' +
    ' and [t.id for t in n.targets if isinstance(t, ast.Name)] == [name]]\n' +
    ' print(json.dumps(ast.literal_eval(value)))';
  const shipped = python(
    printHook,
    hooks.map(([script, name]) => [embeddedScript(script), name]),
  ).map((line) => JSON.parse(line) as string);
  const withoutComments = (text: string) => text.replace(/^[ \t]*#(?!!).*\n/gm, '');
  expect(shipped).toEqual(hooks.map(([, , file]) => withoutComments(read(`hooks/${file}`))));
});
