// Diagnostics as printed: `file:line:column: field: message`, notes, folding of identical problems,
// and output that input cannot forge — no raw control characters, no line that a CI system reads
// as a workflow command (`::error …`), no line that passes for postfeed's summary.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeControls, formatDiagnostic, formatDiagnostics, summarizeDiagnostics } from '../src/diagnostics/format.js';
import type { Diagnostic } from '../src/index.js';
import { makeProject, post, runCli, snapshotDir } from './helpers.js';

/** Every character the formatter must never print raw, one name each. */
const HOSTILE: Record<string, string> = {
  NUL: '\u0000',
  BEL: '\u0007',
  backspace: '\b',
  tab: '\t',
  newline: '\n',
  'carriage return': '\r',
  ESC: '\u001b',
  CSI: '\u001b[2J',
  OSC: '\u001b]0;owned\u0007',
  DEL: '\u007f',
  'C1 NEL': '\u0085',
  'C1 CSI': '\u009b',
  'C1 OSC': '\u009d',
  'line separator': '\u2028',
  'paragraph separator': '\u2029',
  'LRE..RLO': '\u202a\u202b\u202c\u202d\u202e',
  'LRI..PDI': '\u2066\u2067\u2068\u2069',
  'lone surrogate': '\ud800',
};

/** Raw characters no line of our stderr may carry (the newline between lines aside). */
const RAW_UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function outputProblems(output: string): string[] {
  const problems: string[] = [];
  output.split('\n').forEach((line, index) => {
    const raw = RAW_UNSAFE.exec(line);
    if (raw) problems.push(`line ${index + 1} has a raw U+${raw[0].charCodeAt(0).toString(16).padStart(4, '0')}: ${JSON.stringify(line)}`);
    if (/^(?:::|##)/.test(line)) problems.push(`line ${index + 1} starts like a CI command: ${JSON.stringify(line)}`);
  });
  return problems;
}

const base: Diagnostic = { severity: 'error', code: 'date-invalid', file: 'posts/a.md', line: 3, field: 'date', message: 'day 30 does not exist' };

describe('the format', () => {
  it('is file:line:column: field: message, with a warning label and a code frame', () => {
    expect(formatDiagnostic({ ...base, column: 7, excerpt: 'date: 2023-02-30' })).toBe(
      'posts/a.md:3:7: date: day 30 does not exist\n  3 | date: 2023-02-30\n    |       ^',
    );
    expect(formatDiagnostic({ ...base, severity: 'warning' })).toBe('posts/a.md:3: warning: date: day 30 does not exist');
  });

  it('prints a flag or an environment variable once, without a file', () => {
    const env: Diagnostic = { severity: 'error', code: 'source-date-epoch', field: 'SOURCE_DATE_EPOCH', message: 'must be whole seconds' };
    expect(formatDiagnostic(env)).toBe('SOURCE_DATE_EPOCH: must be whole seconds');
    expect(formatDiagnostic({ ...env, severity: 'warning', field: '--limit' })).toBe('warning: --limit: must be whole seconds');
    // A line number without a file names nothing; neither is printed.
    expect(formatDiagnostic({ ...env, line: 4, excerpt: 'x' })).toBe('SOURCE_DATE_EPOCH: must be whole seconds');
  });

  it('prints notes indented under the diagnostic, with their own code frame', () => {
    const duplicate: Diagnostic = {
      severity: 'error',
      code: 'duplicate-permalink',
      file: 'posts/a.md',
      line: 2,
      field: 'slug',
      message: 'permalink /x/ is also used by another post',
      notes: [
        { file: 'posts/b.md', line: 3, message: 'the other post with this permalink', excerpt: 'slug: x' },
        { message: 'set slug: in one of them' },
      ],
    };
    expect(formatDiagnostic(duplicate).split('\n')).toEqual([
      'posts/a.md:2: slug: permalink /x/ is also used by another post',
      '  note: posts/b.md:3: the other post with this permalink',
      '    3 | slug: x',
      '  note: set slug: in one of them',
    ]);
  });

  it('counts files once in the summary, and flags or variables not as files', () => {
    const diagnostics: Diagnostic[] = [
      base,
      { ...base, severity: 'warning' },
      { severity: 'error', code: 'source-date-epoch', field: 'SOURCE_DATE_EPOCH', message: 'bad' },
    ];
    expect(summarizeDiagnostics(diagnostics)).toBe('2 errors, 1 warning in 1 file');
  });
});

describe('control characters are visible escapes', () => {
  it('escapes each of them the way a programmer reads it', () => {
    expect(escapeControls('a\u001b[31mb\nc\rd\te\u0000f\u007f\u009b\u2028\u202e\u2066\ud800')).toBe(
      'a\\x1b[31mb\\nc\\rd\\te\\x00f\\x7f\\x9b\\u2028\\u202e\\u2066\\ud800',
    );
    // Printable text, astral characters and right-to-left letters stay as they are.
    expect(escapeControls('Résumé — 東京 😀 עברית')).toBe('Résumé — 東京 😀 עברית');
  });

  for (const [name, hostile] of Object.entries(HOSTILE)) {
    it(`in every part of a diagnostic: ${name}`, () => {
      const diagnostic: Diagnostic = {
        severity: 'warning',
        code: 'unknown-key',
        file: `posts/x${hostile}y.md`,
        line: 4,
        column: 3,
        field: `k${hostile}`,
        message: `value "${hostile}" is odd`,
        excerpt: `k${hostile}: ${hostile}`,
        notes: [{ file: `posts/${hostile}.md`, line: 1, message: `see ${hostile}`, excerpt: hostile }],
      };
      const text = formatDiagnostic(diagnostic);
      expect(outputProblems(text)).toEqual([]);
      // Nothing from input adds a line: the diagnostic, its frame and caret, the note and its frame.
      expect(text.split('\n')).toHaveLength(5);
      expect(text.split('\n').slice(1).every((line) => line.startsWith('  '))).toBe(true);
    });
  }

  it('puts the caret under the column in the escaped line', () => {
    const text = formatDiagnostic({ ...base, column: 3, excerpt: '\u001b\u001bX' });
    expect(text.split('\n').slice(1)).toEqual(['  3 | \\x1b\\x1bX', '    |         ^']);
  });
});

describe('no line can be forged', () => {
  it('puts ./ before a path that starts like a workflow command or the summary line', () => {
    const shown = (file: string) => formatDiagnostic({ ...base, file }).split(':3:')[0];
    expect(shown('::error file=x::y.md')).toBe('./::error file=x::y.md');
    expect(shown('postfeed: 0 posts, 3 feeds in 0.01s.md')).toBe('./postfeed: 0 posts, 3 feeds in 0.01s.md');
    expect(shown('##vso[task.complete result=Succeeded]x.md')).toBe('./##vso[task.complete result=Succeeded]x.md');
    expect(shown('-x.md')).toBe('./-x.md');
    expect(shown('\u202eevil.md')).toBe('./\\u202eevil.md');
    // Ordinary paths are left alone.
    for (const file of ['posts/a.md', 'posts/::error::x.md', '.hidden.md', '/abs/posts/a.md', '_x.md', 'Überblick.md']) {
      expect(shown(file)).toBe(file);
    }
  });

  it('puts a space before a first line without a file that would start like one', () => {
    const line = formatDiagnostic({ severity: 'error', code: 'unknown-key', field: '::error file=x::owned', message: 'unknown key' });
    expect(line).toBe(' ::error file=x::owned: unknown key');
    expect(formatDiagnostic({ severity: 'error', code: 'x', field: 'postfeed', message: '0 posts' })).toBe(' postfeed: 0 posts');
  });

  it('keeps a newline in a message, note or excerpt from starting a line', () => {
    const text = formatDiagnostic({
      ...base,
      message: 'x\n::error file=a.md::owned\npostfeed: 0 posts',
      excerpt: '\n::warning::y',
      notes: [{ message: '\n::notice::z' }],
    });
    expect(outputProblems(text)).toEqual([]);
    expect(text.split('\n').filter((line) => line.startsWith('postfeed:'))).toEqual([]);
  });
});

describe('folding identical problems', () => {
  const toml = (index: number): Diagnostic => ({
    severity: 'error',
    code: 'front-matter-toml',
    file: `posts/p${index}.md`,
    line: 1,
    field: 'front matter',
    message: 'TOML front matter (+++) is not supported; use YAML between --- lines',
    excerpt: '+++',
  });

  it('shows errors from the first 3 files, then a count', () => {
    const lines = formatDiagnostics(Array.from({ length: 754 }, (_, index) => toml(index)));
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('  … and 751 more files with this error');
  });

  it('shows all 4 when a count would replace only one', () => {
    expect(formatDiagnostics(Array.from({ length: 4 }, (_, index) => toml(index)))).toHaveLength(4);
  });

  it('folds per code, field and message; errors come before warnings', () => {
    const diagnostics: Diagnostic[] = [];
    for (let index = 0; index < 10; index++) {
      diagnostics.push({ ...base, severity: 'warning', code: 'unknown-key', field: 'layout', file: `posts/w${index}.md`, message: 'unknown key' });
      diagnostics.push({ ...toml(index), code: index % 2 ? 'a' : 'b' });
    }
    const lines = formatDiagnostics(diagnostics);
    expect(lines.filter((line) => line.startsWith('  …'))).toEqual([
      '  … and 2 more files with this error',
      '  … and 2 more files with this error',
      '  … and 7 more files with this warning',
    ]);
    expect(lines.findIndex((line) => line.includes('warning:'))).toBe(8);
  });

  it('keeps the order found: a folded kind does not pull its first files ahead of others', () => {
    const order = ['p0', 'q', 'p1', 'r', 'p2', 'p3', 'p4', 's'];
    const diagnostics = order.map((name): Diagnostic => (name.startsWith('p') ? { ...toml(Number(name[1])) } : { ...base, file: `posts/${name}.md` }));
    expect(formatDiagnostics(diagnostics).map((text) => text.split(':')[0])).toEqual([
      'posts/p0.md', 'posts/q.md', 'posts/p1.md', 'posts/r.md', 'posts/p2.md', '  … and 2 more files with this error', 'posts/s.md',
    ]);
  });

  it('says so when one file has the same problem more than once', () => {
    const same = Array.from({ length: 6 }, (_, index) => ({ ...base, line: index + 1 }));
    expect(formatDiagnostics(same).at(-1)).toBe('  … and 3 more of this error in 1 file');
  });

  it('stays linear: 100,000 identical warnings and 100,000 distinct errors', () => {
    const diagnostics: Diagnostic[] = [];
    for (let index = 0; index < 100_000; index++) {
      diagnostics.push({ severity: 'warning', code: 'unknown-key', file: `posts/p${index}.md`, line: 4, field: 'layout', message: 'unknown key' });
      diagnostics.push({ ...base, file: `posts/p${index}.md`, message: `day ${index} does not exist` });
    }
    const started = performance.now();
    const lines = formatDiagnostics(diagnostics);
    const summary = summarizeDiagnostics(diagnostics);
    // Quadratic grouping (copying a group per member) takes over five minutes here; linear takes
    // about a second, and a few on a loaded 2-core machine.
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(lines).toHaveLength(100_000 + 4);
    expect(summary).toBe('100000 errors, 100000 warnings in 100000 files');
  });
});

describe('through the command line', () => {
  /** Posts whose names carry each hostile character; each has exactly one error (a bad date, its own so none are folded). */
  const hostileNames = [
    'esc\u001b[31mred.md',
    'new\nline.md',
    'cr\rreturn.md',
    'bidi\u202egnp.md',
    'isolate\u2066x\u2069.md',
    'c1\u009bx.md',
    'bell\u0007.md',
    '::error file=other.md::owned.md',
    '##vso[task.complete result=Succeeded]x.md',
    'postfeed: 0 posts, 3 feeds in 0.01s.md',
    '-x.md',
  ];
  const badDate = (index: number, value = `${2000 + index}-02-30`) => post(`title: t${index}\ndate: ${value}\nslug: s${index}`);

  function expectSafe(stderr: string): void {
    expect(outputProblems(stderr)).toEqual([]);
    const summaries = stderr.split('\n').filter((line) => line.startsWith('postfeed:'));
    expect(summaries).toHaveLength(1);
    expect(stderr.trimEnd().split('\n').at(-1)).toBe(summaries[0]);
  }

  it('escapes file names, YAML keys and values, and shows one diagnostic per file', () => {
    const posts: Record<string, string> = {};
    hostileNames.forEach((name, index) => (posts[name] = badDate(index)));
    posts['key.md'] = post('title: k\ndate: 2023-01-01\nslug: key\n"x\\e]0;owned\\a\\n::error file=y::z\\u202e": 1');
    posts['value.md'] = badDate(99, '"2023-01-01\\e[2J\\n::error file=v::w\\u2028postfeed: 0 posts"');
    const project = makeProject(posts);
    mkdirSync(path.join(project, 'dist'));
    writeFileSync(path.join(project, 'dist', 'rss.xml'), 'old');
    const before = snapshotDir(path.join(project, 'dist'));

    const run = runCli(project);
    expect(run.status).toBe(1);
    expectSafe(run.stderr);
    const firstLines = run.stderr.split('\n').filter((line) => !line.startsWith(' '));
    for (const name of hostileNames) {
      const shown = `posts/${escapeControls(name)}:`;
      expect(firstLines.filter((line) => line.startsWith(shown)), shown).toHaveLength(1);
    }
    expect(firstLines.filter((line) => line.startsWith('posts/value.md:'))).toHaveLength(1);
    expect(run.stderr).toContain('posts/key.md:5: warning: x\\x1b]0;owned\\x07\\n::error file=y::z\\u202e: unknown front matter key');
    expect(snapshotDir(path.join(project, 'dist'))).toEqual(before);
  });

  it('puts ./ before posts whose paths start like a command or the summary', () => {
    const project = makeProject({});
    const root = '::error file=a.md,line=1::owned';
    mkdirSync(path.join(project, root));
    writeFileSync(path.join(project, root, 'postfeed: 0 posts.md'), badDate(1));
    writeFileSync(path.join(project, root, 'ok.md'), badDate(2));
    const run = runCli(project, ['--posts', root]);
    expect(run.status).toBe(1);
    expectSafe(run.stderr);
    expect(run.stderr).toContain(`./${root}/postfeed: 0 posts.md:3: date: `);
    expect(run.stderr).toContain(`./${root}/ok.md:3: date: `);
  });

  it('puts ./ before written feeds whose output folder starts like a command (found by the CLI fuzzer)', () => {
    const project = makeProject({ 'a.md': post('title: a\ndate: 2023-01-01') });
    const run = runCli(project, ['--out', '::error file=x::y']);
    expect(run.status).toBe(0);
    expect(outputProblems(run.stdout)).toEqual([]);
    expect(run.stdout).toContain('./::error file=x::y/rss.xml  1 items');
  });

  it('escapes hostile YAML keys in warnings on a successful build too', () => {
    const project = makeProject({ 'a.md': post('title: a\ndate: 2023-01-01\n"\\e[1A\\rpostfeed: 0 posts": x') });
    const run = runCli(project);
    expect(run.status).toBe(0);
    expectSafe(`${run.stderr}${run.stdout.split('\n').filter((line) => line.startsWith('postfeed:')).join('\n')}\n`);
    expect(run.stderr).toContain('posts/a.md:4: warning: \\x1b[1A\\rpostfeed: 0 posts: unknown front matter key');
  });
});
