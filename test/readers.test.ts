// The feeds as validators and real readers see them: RELAX NG for Atom (xmllint, jing),
// Universal Feed Parser (Debian's python3-feedparser) and newsboat. `.ci/run` installs them.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { build, writeOutput } from '../src/index.js';
import { decodeHtmlText, hasCommand, makeProject, ROOT, SHARED, tempDir } from './helpers.js';

const PYTHON = '/usr/bin/python3'; // Debian's: feedparser does not import under a pyenv python3
const tools = {
  xmllint: hasCommand('xmllint'),
  jing: hasCommand('jing'),
  feedparser: spawnSync(PYTHON, ['-c', 'import feedparser']).status === 0,
  newsboat: hasCommand('newsboat'),
};
// In CI a missing tool is a failure, never a silent skip.
const needs = (tool: keyof typeof tools) => (tools[tool] || process.env.CI ? it : it.skip);

let dist: string;
const TASS_TITLE = 'Russia to continue assisting Mali in normalizing situation in country';

beforeAll(async () => {
  // The repository's own posts plus a synthetic corpus full of markup, entities and odd titles.
  const cwd = makeProject({}, { permalink: '/:year/:month/:day/:slug/' });
  const posts = path.join(cwd, 'posts');
  execFileSync(process.execPath, [path.join(SHARED, 'bench', 'make-corpus.mjs'), '--count', '150', '--out', posts, '--quiet']);
  cpSync(path.join(ROOT, 'posts'), posts, { recursive: true });
  writeFileSync(path.join(posts, 'markup-title.md'), '---\ntitle: "AT&T <b>bold</b> & \\"quotes\\""\ndate: 2020-01-01\n---\n\nBody.\n');
  const result = await build({ cwd, limit: 0, now: new Date('2030-01-01T00:00:00Z') });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  dist = tempDir();
  await writeOutput(dist, result.files);
});

describe('RELAX NG (RFC 4287 schema)', () => {
  needs('xmllint')('xmllint validates atom.xml with nothing else on stderr', () => {
    const run = spawnSync('xmllint', ['--nonet', '--noout', '--relaxng', path.join(SHARED, 'schemas', 'atom.rng'), path.join(dist, 'atom.xml')], {
      encoding: 'utf8',
    });
    expect(run.stderr.trim()).toBe(`${path.join(dist, 'atom.xml')} validates`);
    expect(run.status).toBe(0);
  });

  needs('jing')('jing validates atom.xml against the compact schema', () => {
    const run = spawnSync('jing', ['-c', path.join(SHARED, 'schemas', 'atom.rnc'), path.join(dist, 'atom.xml')], { encoding: 'utf8' });
    // The Debian wrapper notes optional jars it cannot find; anything else is a validation error.
    const stderr = run.stderr.split('\n').filter((line) => line && !/Unable to locate .* in \/usr\/share\/java/.test(line));
    expect({ status: run.status, stdout: run.stdout.trim(), stderr }).toEqual({ status: 0, stdout: '', stderr: [] });
  });
});

describe('Universal Feed Parser', () => {
  needs('feedparser')('reads RSS and Atom with no bozo flag and the same items', () => {
    const script = `
import feedparser, json, sys
out = {}
for name in ('rss.xml', 'atom.xml'):
    d = feedparser.parse(sys.argv[1] + '/' + name)
    out[name] = {
        'bozo': bool(d.bozo), 'error': str(d.get('bozo_exception', '')), 'version': d.version,
        'titles': [e.title for e in d.entries], 'ids': [e.id for e in d.entries],
        'published': [e.get('published_parsed') and list(e.published_parsed)[:6] for e in d.entries],
    }
print(json.dumps(out))`;
    const parsed = JSON.parse(execFileSync(PYTHON, ['-c', script, dist], { encoding: 'utf8' }));
    const json = JSON.parse(execFileSync('cat', [path.join(dist, 'feed.json')], { encoding: 'utf8' }));
    const rss = parsed['rss.xml'];
    const atom = parsed['atom.xml'];
    expect([rss.bozo, rss.error, rss.version]).toEqual([false, '', 'rss20']);
    expect([atom.bozo, atom.error, atom.version]).toEqual([false, '', 'atom10']);
    expect(rss.ids).toEqual(json.items.map((item: { id: string }) => item.id));
    expect(atom.ids).toEqual(rss.ids);
    // feedparser hands titles back as HTML: decode them to compare with JSON's plain text.
    const plain = decodeHtmlText;
    expect(rss.titles.map(plain)).toEqual(json.items.map((item: { title: string }) => item.title));
    expect(atom.titles.map(plain)).toEqual(rss.titles.map(plain));
    expect(rss.titles).toContain(TASS_TITLE);
    expect(rss.titles.map(plain)).toContain('AT&T <b>bold</b> & "quotes"');
    expect(atom.published).toEqual(rss.published);
  });
});

describe('newsboat', () => {
  needs('newsboat')('shows the TASS item from each XML feed', () => {
    for (const name of ['rss.xml', 'atom.xml']) {
      const home = tempDir();
      mkdirSync(home, { recursive: true });
      writeFileSync(path.join(home, 'urls'), `file://${path.join(dist, name)}\n`);
      writeFileSync(path.join(home, 'config'), '');
      const run = spawnSync(
        'newsboat',
        ['-q', '-u', path.join(home, 'urls'), '-c', path.join(home, 'cache.db'), '-C', path.join(home, 'config'), '-x', 'reload', '-l', '4', '-d', path.join(home, 'log')],
        { env: { ...process.env, HOME: home }, encoding: 'utf8', timeout: 120_000 },
      );
      expect(run.status).toBe(0);
      const log = spawnSync('cat', [path.join(home, 'log')], { encoding: 'utf8' }).stdout;
      expect(log).not.toMatch(/USERERROR|ERROR/);
      const titles = execFileSync(PYTHON, [
        '-c',
        'import sqlite3,sys,json; print(json.dumps([r[0] for r in sqlite3.connect(sys.argv[1]).execute("select title from rss_item where deleted = 0")]))',
        path.join(home, 'cache.db'),
      ]);
      const stored = JSON.parse(titles.toString()) as string[];
      expect(stored).toContain(TASS_TITLE);
      const items = JSON.parse(execFileSync('cat', [path.join(dist, 'feed.json')], { encoding: 'utf8' })).items;
      expect(stored.length).toBe(items.length);
    }
  });
});
