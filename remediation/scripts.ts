/**
 * The aws:executeScript steps' Python, as shipped. SSM runs each step's Script alone and a whole document
 * must stay under 64 KB, so the build:
 *  - inlines, in place of `from common import ...`, only the parts of scripts/common.py the script uses
 *    (top-level definitions and imports, followed transitively);
 *  - replaces each `NAME = None  # embed: hooks/x.sh` line with the hook's text;
 *  - drops docstrings and comment lines and indents one space per level (the sources keep their 4 spaces;
 *    Python only needs it consistent; tests run exactly the shipped strings).
 */
import { readFileSync } from 'node:fs';

export const SCRIPT_FILES = [
  'resolve_notebook',
  'create_backup_config',
  'verify_backup',
  'verify_restore',
  'restore_original_state',
  'prepare_manifest',
  'create_notebook',
  'finish',
  'fail',
] as const;
export type ScriptFile = (typeof SCRIPT_FILES)[number];

const SCRIPTS_DIRECTORY = new URL('./scripts/', import.meta.url);
const COMMON_IMPORT = /^from common import (?:\([^)]*\)|[^\n]*)\n/m;
const EMBED_LINE = /^([A-Z_]+) = None {2}# embed: ([\w./-]+)$/gm;
const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/g;
/** The sources indent 4 spaces a level, the shipped scripts 1 (any other indent would break a script its tests run). */
const INDENT_WIDTH = 4;

function readScriptFile(relativePath: string): string {
  return readFileSync(new URL(relativePath, SCRIPTS_DIRECTORY), 'utf8');
}

function stripPython(source: string): string {
  return source
    .replace(/^[ \t]*"""[\s\S]*?"""[ \t]*\n/gm, '')
    .replace(/^[ \t]*#.*\n/gm, '')
    .replace(/^( +)/gm, (indent) => ' '.repeat(indent.length / INDENT_WIDTH))
    .replace(/\n{2,}/g, '\n');
}

function stripShell(source: string): string {
  return source.replace(/^[ \t]*#(?!!).*\n/gm, '');
}

interface TopLevelBlock {
  readonly text: string;
  readonly defines: string | undefined;
}

/** Splits a module into top-level blocks: an import, an assignment, a def or a class with its body. */
function topLevelBlocks(module: string): readonly TopLevelBlock[] {
  const blocks: string[] = [];
  for (const line of module.split('\n')) {
    const startsBlock = /^[A-Za-z_@]/.test(line);
    if (startsBlock || blocks.length === 0) blocks.push(`${line}\n`);
    else blocks[blocks.length - 1] += `${line}\n`;
  }
  return blocks.map((text) => ({
    text,
    defines: /^(?:def|class) ([A-Za-z_]\w*)|^([A-Za-z_]\w*) =|^(?:from \S+ )?import (\w+)$/m
      .exec(text)
      ?.slice(1)
      .find(Boolean),
  }));
}

function identifiers(code: string): Set<string> {
  return new Set(code.match(IDENTIFIER) ?? []);
}

/** The blocks of common.py that `code` needs, in their original order. */
function commonFor(code: string): string {
  const blocks = topLevelBlocks(stripPython(readScriptFile('common.py')));
  const needed = new Set<string>();
  let frontier = identifiers(code);
  while (frontier.size > 0) {
    const next = new Set<string>();
    for (const block of blocks) {
      if (block.defines !== undefined && frontier.has(block.defines) && !needed.has(block.defines)) {
        needed.add(block.defines);
        for (const name of identifiers(block.text)) next.add(name);
      }
    }
    frontier = next;
  }
  return blocks
    .filter((block) => block.defines !== undefined && needed.has(block.defines))
    .map((block) => block.text.trimEnd())
    .join('\n');
}

export function embeddedScript(file: ScriptFile): string {
  const source = stripPython(readScriptFile(`${file}.py`)).replace(
    EMBED_LINE,
    // JSON string literals are valid Python string literals.
    (_line, variable: string, hookPath: string) =>
      `${variable} = ${JSON.stringify(stripShell(readScriptFile(hookPath)))}`,
  );
  if (!COMMON_IMPORT.test(source)) return source;
  const common = commonFor(source.replace(COMMON_IMPORT, ''));
  // An import the inlined part of common already made is not repeated.
  const body = source
    .replace(COMMON_IMPORT, '')
    .split('\n')
    .filter((line) => !(/^(?:from \S+ )?import /.test(line) && common.includes(line)))
    .join('\n');
  return `${common}\n${body.trimStart()}`;
}
