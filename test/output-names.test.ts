// Output file names that must never reach writing: postfeed's own lock, journal and staging names,
// any dot name, separators, and the same name twice.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OutputFile } from '../src/model.js';
import { writeOutput } from '../src/output/commit.js';
import { OutputError } from '../src/output/errors.js';
import { outputNamesProblem, reservedOutputName } from '../src/output/names.js';
import { tempDir } from './helpers.js';

const file = (name: string, contents = `${name}\n`): OutputFile => ({ format: 'rss', path: name, contents, items: 1 });

describe('reservedOutputName', () => {
  it.each([
    ['.postfeed.lock', /lock file/],
    ['.postfeed-commit.json', /commit journal/],
    ['.postfeed-commit.json.tmp-42', /commit journal/],
    ['.postfeed-staging-42-abcd', /staging folder/],
    ['.htaccess', /starts with "\."/],
    ['.', /starts with "\."/],
    ['..', /starts with "\."/],
    ['', /empty/],
    ['feeds/rss.xml', /plain file name/],
    ['..\\rss.xml', /plain file name/],
    ['rss\n.xml', /control character/],
    [`${'x'.repeat(252)}.xml`, /255 bytes/],
  ])('refuses %j', (name, message) => {
    expect(reservedOutputName(name)).toMatch(message);
  });

  it.each(['rss.xml', 'atom.xml', 'feed.json', 'index.xml', 'feed.rss'])('accepts %j', (name) => {
    expect(reservedOutputName(name)).toBeUndefined();
  });

  it('refuses the same name twice, also when it differs only in letter case', () => {
    expect(outputNamesProblem(['rss.xml', 'atom.xml', 'rss.xml'])).toMatch(/"rss\.xml" is named twice/);
    expect(outputNamesProblem(['feed.xml', 'Feed.xml'])).toMatch(/"feed\.xml" and "Feed\.xml" are the same file on case-insensitive file systems/);
    expect(outputNamesProblem(['rss.xml', 'atom.xml', 'feed.json'])).toBeUndefined();
  });
});

describe('writeOutput refuses such names before touching anything', () => {
  for (const names of [['rss.xml', '.postfeed-commit.json'], ['.postfeed.lock'], ['.postfeed-staging-1-00000000'], ['rss.xml', 'rss.xml'], ['../escape.xml']]) {
    it(`${JSON.stringify(names)}: OutputError, no folder created`, async () => {
      const out = path.join(tempDir('postfeed-names-'), 'dist');
      await expect(writeOutput(out, names.map((name) => file(name)))).rejects.toBeInstanceOf(OutputError);
      expect(existsSync(out)).toBe(false);
      expect(existsSync(path.join(out, '..', 'escape.xml'))).toBe(false);
    });
  }

  it('an existing folder keeps its feeds when the new set names the journal', async () => {
    const out = tempDir('postfeed-names-');
    writeFileSync(path.join(out, 'rss.xml'), 'old');
    await expect(writeOutput(out, [file('rss.xml', 'new'), file('.postfeed-commit.json', '{"staging":".postfeed-staging-x","files":["rss.xml"]}')])).rejects.toThrow(
      /output file name "\.postfeed-commit\.json" is postfeed's commit journal/,
    );
    expect(readdirSync(out)).toEqual(['rss.xml']);
    expect(readFileSync(path.join(out, 'rss.xml'), 'utf8')).toBe('old');
  });
});
