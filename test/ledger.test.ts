// The id ledger (postfeed.lock.json): every post keeps the id it was first published with, through
// file renames and changes of base URL, permalink pattern and trailing-slash style; an id change
// needs --update-ledger; the file is one line per post and byte-identical across runs.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fingerprintOf } from '../src/identity/ledger.js';
import { check, type ConfigInput } from '../src/index.js';
import { BASE_CONFIG, buildInto, buildRecording, builtIds, makeProject, post, runCli, snapshotDir } from './helpers.js';

const POSTS = {
  'alpha.md': post('title: Alpha\ndate: 2023-07-01', 'The first post.'),
  'beta.md': post('title: Beta\ndate: 2023-07-02', 'The second post.'),
  'gamma.md': post('title: Gamma\ndate: 2023-07-03', 'The third post.'),
};

const ledgerOf = (cwd: string) => readFileSync(path.join(cwd, 'postfeed.lock.json'), 'utf8');
const entriesOf = (cwd: string) =>
  (JSON.parse(ledgerOf(cwd)) as { posts: Array<{ source: string; id: string; published: string; fingerprint: string; previous?: string[] }> }).posts;
const rewriteConfig = (cwd: string, config: Partial<ConfigInput>) =>
  writeFileSync(path.join(cwd, 'postfeed.config.json'), JSON.stringify({ ...BASE_CONFIG, ...config }, null, 2));

/** A project built once, so its ledger holds the ids as first published. */
async function published(config: Partial<ConfigInput> = {}) {
  const cwd = makeProject(POSTS, config);
  const first = await buildRecording(cwd);
  expect(first.ok).toBe(true);
  return { cwd, ids: builtIds(first.files, 'atom').sort() };
}

describe('a body\'s fingerprint', () => {
  // The rule as first written: ledgers in use hold fingerprints made by it, so it may never change.
  const asFirstWritten = (markdown: string) =>
    markdown
      .replace(/\r\n?/g, '\n')
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n')
      .trim();

  it('is the hash of the body as first normalized, whatever white space and line breaks it has', () => {
    const pieces = ['a', 'b c', ' ', '\t', '\n', '\r', '\r\n', '\u00a0', '\u2028', '\u2029', '\u3000', '\ufeff', '\u000b', '\u000c', '\u0085', 'é', '😀'];
    const body = fc.array(fc.constantFrom(...pieces), { maxLength: 40 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(body, (markdown) => {
        const expected = `sha256:${createHash('sha256').update(asFirstWritten(markdown), 'utf8').digest('hex')}`;
        expect(fingerprintOf(markdown)).toBe(expected);
      }),
      { numRuns: 5000 },
    );
    // The same text with one changed line ending or trailing blank, and without.
    expect(fingerprintOf('One\r\nTwo  \n\n')).toBe(fingerprintOf('\nOne\nTwo'));
    expect(fingerprintOf('One\nTwo')).not.toBe(fingerprintOf('One\n Two'));
  });
});

describe('the ledger file', () => {
  it('records every post on the first build: sorted by source, one line per post, with its id, date and fingerprint', async () => {
    const { cwd, ids } = await published();
    const text = ledgerOf(cwd);
    const lines = text.split('\n');
    const postLines = lines.filter((line) => line.includes('"source"'));
    expect(postLines).toHaveLength(3);
    for (const line of postLines) expect(JSON.parse(line.replace(/,$/, ''))).toHaveProperty('id');
    const entries = entriesOf(cwd);
    expect(entries.map((entry) => entry.source)).toEqual(['posts/alpha.md', 'posts/beta.md', 'posts/gamma.md']);
    expect(entries.map((entry) => entry.id).sort()).toEqual(ids);
    expect(entries[0]).toMatchObject({ id: 'https://example.com/blog/posts/alpha/', published: '2023-07-01T00:00:00Z' });
    expect(entries[0]!.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('is byte-identical across runs and projects, and not rewritten when nothing changed', async () => {
    const { cwd } = await published();
    const other = await published();
    expect(ledgerOf(other.cwd)).toBe(ledgerOf(cwd));
    const again = await buildRecording(cwd);
    expect(again.ledger?.text).toBeUndefined();
    expect(again.ledger?.changes).toEqual([]);
  });

  it('leaves drafts out until they are published, also in a build with --drafts', async () => {
    const cwd = makeProject({ ...POSTS, 'draft.md': post('title: Draft\ndate: 2023-07-04\ndraft: true') });
    const preview = await buildRecording(cwd, { drafts: true });
    expect(builtIds(preview.files, 'atom')).toContain('https://example.com/blog/posts/draft/');
    expect(entriesOf(cwd).map((entry) => entry.source)).toEqual(['posts/alpha.md', 'posts/beta.md', 'posts/gamma.md']);
  });

  it('a build for another base URL (a deploy preview) uses the ledger but records nothing', async () => {
    const { cwd, ids } = await published();
    const before = ledgerOf(cwd);
    writeFileSync(path.join(cwd, 'posts/delta.md'), post('title: Delta\ndate: 2023-07-04'));
    const preview = await buildRecording(cwd, { baseUrl: 'https://pr-42.preview.example.com/' });
    expect(preview.ok).toBe(true);
    expect(builtIds(preview.files, 'atom')).toEqual(expect.arrayContaining(ids));
    expect(preview.ledger?.text).toBeUndefined();
    expect(ledgerOf(cwd)).toBe(before);
  });
});

describe('ids survive what changes URLs', () => {
  it('a renamed file keeps its id, and the move is reported', async () => {
    const { cwd, ids } = await published();
    renameSync(path.join(cwd, 'posts/beta.md'), path.join(cwd, 'posts/second-post.md'));
    const result = await buildRecording(cwd);
    expect(result.ok).toBe(true);
    expect(builtIds(result.files, 'atom').sort()).toEqual(ids);
    expect(result.ledger?.changes).toEqual([{ kind: 'moved', from: 'posts/beta.md', to: 'posts/second-post.md', id: 'https://example.com/blog/posts/beta/' }]);
    expect(entriesOf(cwd).map((entry) => entry.source)).toEqual(['posts/alpha.md', 'posts/gamma.md', 'posts/second-post.md']);
  });

  it('a slug set in the front matter changes the URL, not the id', async () => {
    const { cwd, ids } = await published();
    writeFileSync(path.join(cwd, 'posts/gamma.md'), post('title: Gamma\ndate: 2023-07-03\nslug: third', 'The third post.'));
    const result = await buildRecording(cwd);
    expect(builtIds(result.files, 'atom').sort()).toEqual(ids);
    expect(builtIds(result.files, 'rss').sort()).toEqual(ids);
    expect(builtIds(result.files, 'json').sort()).toEqual(ids);
  });

  it.each([
    ['the base URL', { baseUrl: 'https://blog.example.org/' }],
    ['the permalink pattern', { permalink: '/:year/:month/:slug/' }],
    ['the trailing-slash style', { permalink: '/posts/:slug' }],
  ] as Array<[string, Partial<ConfigInput>]>)('a change of %s keeps every id', async (_what, config) => {
    const { cwd, ids } = await published();
    rewriteConfig(cwd, config);
    const result = await buildRecording(cwd);
    expect(result.ok).toBe(true);
    expect(builtIds(result.files, 'atom').sort()).toEqual(ids);
    // Without the ledger the same change would have changed the ids: the test can fail.
    const fresh = makeProject(POSTS, config);
    const unrecorded = await buildRecording(fresh);
    expect(builtIds(unrecorded.files, 'atom').sort()).not.toEqual(ids);
  });
});

describe('changes that need --update-ledger', () => {
  const withId = post('title: Beta\ndate: 2023-07-02\nid: tag:example.com,2023:beta', 'The second post.');

  it('a front-matter id that differs from the recorded one is an error naming both ids and the file', async () => {
    const { cwd } = await published();
    const before = ledgerOf(cwd);
    writeFileSync(path.join(cwd, 'posts/beta.md'), withId);
    const result = await buildRecording(cwd);
    expect(result.ok).toBe(false);
    const error = result.diagnostics.find((diagnostic) => diagnostic.code === 'ledger-id-changed');
    expect(error).toMatchObject({ severity: 'error', file: 'posts/beta.md', line: 4 });
    expect(error?.message).toContain('tag:example.com,2023:beta');
    expect(error?.message).toContain('https://example.com/blog/posts/beta/');
    expect(ledgerOf(cwd)).toBe(before);
  });

  it('with --update-ledger the change is recorded, with the old id in "previous", and check takes it as intended', async () => {
    const { cwd } = await published();
    await buildInto(cwd, path.join(cwd, 'published'));
    writeFileSync(path.join(cwd, 'posts/beta.md'), withId);
    const result = await buildRecording(cwd, { updateLedger: true });
    expect(result.ok).toBe(true);
    expect(result.ledger?.changes).toEqual([{ kind: 'id-changed', source: 'posts/beta.md', from: 'https://example.com/blog/posts/beta/', to: 'tag:example.com,2023:beta' }]);
    expect(entriesOf(cwd)[1]).toMatchObject({ id: 'tag:example.com,2023:beta', previous: ['https://example.com/blog/posts/beta/'] });

    await buildInto(cwd, path.join(cwd, 'dist'));
    const checked = await check({ cwd, against: 'published' });
    expect(checked.diagnostics.filter((diagnostic) => diagnostic.code === 'id-changed')).toEqual([]);
    expect(checked.comparisons.every((comparison) => comparison.idsChanged.every((change) => change.intended))).toBe(true);
    expect(checked.comparisons[0]!.idsChanged).toHaveLength(1);
    // The same change without the ledger's record fails the check.
    writeFileSync(path.join(cwd, 'postfeed.lock.json'), ledgerOf(cwd).replace(/, "previous": \[[^\]]*\]/, ''));
    const unrecorded = await check({ cwd, against: 'published' });
    expect(unrecorded.diagnostics.map((diagnostic) => diagnostic.code)).toContain('id-changed');
  });

  it('a deleted post is a warning and stays recorded; --update-ledger drops it and says so', async () => {
    const { cwd } = await published();
    renameSync(path.join(cwd, 'posts/gamma.md'), path.join(cwd, 'gamma.md.bak'));
    const result = await buildRecording(cwd);
    expect(result.ok).toBe(true);
    expect(result.diagnostics).toEqual([expect.objectContaining({ severity: 'warning', code: 'ledger-post-gone', file: 'postfeed.lock.json' })]);
    expect(result.diagnostics[0]!.message).toContain('posts/gamma.md');
    expect(entriesOf(cwd)).toHaveLength(3);
    expect((await buildRecording(cwd, { strict: true })).ok).toBe(false);

    const dropped = await buildRecording(cwd, { updateLedger: true });
    expect(dropped.ledger?.changes).toEqual([{ kind: 'dropped', source: 'posts/gamma.md', id: 'https://example.com/blog/posts/gamma/' }]);
    expect(entriesOf(cwd).map((entry) => entry.source)).toEqual(['posts/alpha.md', 'posts/beta.md']);
  });

  it('two posts that would get one id through the ledger are an error', async () => {
    const { cwd } = await published();
    writeFileSync(path.join(cwd, 'postfeed.lock.json'), ledgerOf(cwd).replace('posts/gamma/', 'posts/beta/'));
    const result = await buildRecording(cwd);
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((diagnostic) => diagnostic.code)).toContain('duplicate-id');
  });
});

describe('postfeed build with a ledger', () => {
  it('writes the ledger, reports a move on stdout, and a move does not fail --strict', () => {
    const cwd = makeProject(POSTS);
    const first = runCli(cwd, ['build']);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('postfeed.lock.json: 3 posts added');
    expect(entriesOf(cwd)).toHaveLength(3);
    renameSync(path.join(cwd, 'posts/alpha.md'), path.join(cwd, 'posts/first.md'));
    const moved = runCli(cwd, ['build', '--strict']);
    expect(moved.status).toBe(0);
    expect(moved.stdout).toContain('postfeed.lock.json: moved: posts/alpha.md → posts/first.md, id kept (https://example.com/blog/posts/alpha/)');
    const ids = (JSON.parse(readFileSync(path.join(cwd, 'dist/feed.json'), 'utf8')) as { items: Array<{ id: string }> }).items.map((item) => item.id);
    expect(ids).toContain('https://example.com/blog/posts/alpha/');
  });

  it('a malformed ledger is an error naming the file and line; nothing is written', () => {
    const cwd = makeProject(POSTS);
    expect(runCli(cwd, ['build']).status).toBe(0);
    const broken = ledgerOf(cwd).replace('"posts/beta.md", "id"', '"posts/beta.md" "id"');
    writeFileSync(path.join(cwd, 'postfeed.lock.json'), broken);
    writeFileSync(path.join(cwd, 'posts/delta.md'), post('title: Delta\ndate: 2023-07-04'));
    const before = snapshotDir(path.join(cwd, 'dist'));
    const result = runCli(cwd, ['build']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^postfeed\.lock\.json:5: .*not valid JSON/m);
    expect(snapshotDir(path.join(cwd, 'dist'))).toEqual(before);
    expect(ledgerOf(cwd)).toBe(broken);
  });

  it('an entry of the wrong shape names its line', async () => {
    const { cwd } = await published();
    writeFileSync(path.join(cwd, 'postfeed.lock.json'), ledgerOf(cwd).replace(/"fingerprint": "sha256:[0-9a-f]+"(?=\}\n\s*\]\n)/, '"fingerprint": "md5:x"'));
    const result = await buildRecording(cwd);
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toEqual([expect.objectContaining({ code: 'ledger-invalid', file: 'postfeed.lock.json', line: 6 })]);
  });

  it('the config key "ledger" names the file', () => {
    const cwd = makeProject(POSTS, { ledger: 'feed-ids.json' });
    expect(runCli(cwd, ['build']).status).toBe(0);
    expect(existsSync(path.join(cwd, 'postfeed.lock.json'))).toBe(false);
    expect(JSON.parse(readFileSync(path.join(cwd, 'feed-ids.json'), 'utf8')).posts).toHaveLength(3);
  });
});
