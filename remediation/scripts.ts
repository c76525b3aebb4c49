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
  'check_notebook',
  'resolve_notebook',
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

/** `from common import ...` replaced by the parts of common.py the script uses. */
function withCommon(source: string): string {
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

/** Each `NAME = None  # embed: hooks/x.sh` line becomes the hook's text, verbatim in a raw ''' literal. */
function withHooks(source: string): string {
  return source.replace(EMBED_LINE, (_line, variable: string, hookPath: string) => {
    const hook = stripShell(readScriptFile(hookPath));
    if (hook.includes("'''") || hook.endsWith('\\'))
      throw new Error(`${hookPath} cannot be a raw ''' literal`);
    return `${variable} = r'''${hook}'''`;
  });
}

/**
 * Python with its double-quoted strings single-quoted where they hold no single quote (each `"` costs two
 * bytes in the JSON document; a Python 3.11 f-string cannot hold its own quote, so those keep theirs),
 * trailing comments dropped, and the lines of a bracketed expression joined into one (Python joins them
 * anyway; each line break and indent costs bytes). Strings are skipped whole: nothing inside one changes.
 */
export function compactPython(code: string): string {
  let compacted = '';
  let at = 0;
  let depth = 0;
  while (at < code.length) {
    const char = code.charAt(at);
    if (char === '\n' && depth > 0) {
      while (/\s/.test(code.charAt(at))) at += 1;
      const joinsTight = /[([{]$/.test(compacted) || /[)\]}]/.test(code.charAt(at));
      compacted = compacted.replace(/[ \t]+$/, '') + (joinsTight ? '' : ' ');
    } else if (char === '#') {
      const end = code.indexOf('\n', at);
      compacted = compacted.replace(/[ \t]+$/, '');
      at = end < 0 ? code.length : end;
    } else if (char === '"' || char === "'") {
      const quote = code.startsWith(char.repeat(3), at) ? char.repeat(3) : char;
      let end = at + quote.length;
      while (!code.startsWith(quote, end)) {
        if (end >= code.length) throw new Error(`Unterminated string: ${code.slice(at, at + 40)}`);
        end += code.charAt(end) === '\\' ? 2 : 1;
      }
      const body = code.slice(at + quote.length, end);
      compacted += quote === '"' && !body.includes("'") ? `'${body}'` : `${quote}${body}${quote}`;
      at = end + quote.length;
    } else {
      depth += '([{'.includes(char) ? 1 : ')]}'.includes(char) ? -1 : 0;
      compacted += char;
      at += 1;
    }
  }
  return compacted;
}

export function embeddedScript(file: ScriptFile): string {
  return compactPython(withHooks(withCommon(stripPython(readScriptFile(`${file}.py`)))));
}
