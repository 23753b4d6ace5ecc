// Property-based tests: random posts of hostile text (every Unicode plane, controls, lone
// surrogates, bidi overrides, markup, entities, CDATA ends, very long strings) and hostile
// Markdown/HTML bodies, built into feeds that parsers other than postfeed's read back; and the
// CLI as a process against hostile file names, front-matter keys and config values.
//
// FUZZ_RUNS (default 1000) sets the cases per property (the CLI property runs 15% of that, one
// process each); FUZZ_SEED replays a run. A failure prints
// fast-check's seed, path and shrunk counterexample. xmllint checks every document in batches of
// a thousand (one process per batch); its failures are reported by the last test, replayed from
// their seed and path, and shrunk the same way.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { BuildResult } from '../src/index.js';
import { postFile, postInput, type PostInput } from './fuzz/arbitraries.js';
import {
  contentsOf,
  forbiddenCharacters,
  FuzzProject,
  readAtom,
  readJson,
  readRss,
  rfc3339Problem,
  rfc822Problem,
  xmllint,
  XmlArchive,
  xmlProblems,
  type ArchivedDocument,
  type ReadItem,
} from './fuzz/feeds.js';
import { contentViolations } from './fuzz/html.js';
import { hostileCase, runHostileCase, type HostileCase } from './fuzz/hostile.js';
import { errorKey, expectationFor, matchesLead, type ExpectedItem } from './fuzz/model.js';
import { RUN_SEED } from './property-seed.js';

const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS || 1000));
const SEED = RUN_SEED;
/** Generous: a 2-core CI machine does 1,000 cases of a property in well under a minute. */
const TIMEOUT = Math.max(180_000, RUNS * 400);
/** Each case of the hostile-names property is a CLI process: 15% of RUNS (150 by default) is enough. */
const CLI_RUNS = Math.max(1, Math.ceil(RUNS * 0.15));
/** Half a second per process on a busy 2-core machine, and as long again for shrinking a failure. */
const CLI_TIMEOUT = Math.max(180_000, CLI_RUNS * 2 * 1_000);

const archive = new XmlArchive();
const summary: string[] = [];
afterAll(() => {
  console.log(`fuzz (FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}):\n  ${summary.join('\n  ')}`);
});

interface FuzzProperty {
  name: string;
  seed: number;
  posts: fc.Arbitrary<PostInput[]>;
  check: (posts: PostInput[], result: BuildResult) => void;
}

/** Runs one property; the RSS and Atom of every passing run go to the archive for xmllint. */
async function assertProperty(property: FuzzProperty): Promise<void> {
  const project = new FuzzProject();
  let run = 0;
  let built = 0;
  let failed = false;
  const started = performance.now();
  // Nothing from a post may reach the terminal except as a diagnostic; dependencies that print
  // (parse-srcset under sanitize-html once logged every malformed srcset) are caught here.
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  let logged = 0;
  try {
    await fc.assert(
      fc.asyncProperty(property.posts, async (posts) => {
        const index = run++;
        try {
          const result = await buildOrExplain(project, posts);
          property.check(posts, result);
          if (!failed && result.ok) {
            built++;
            archive.add(property.name, index, 'rss', contentsOf(result, 'rss'));
            archive.add(property.name, index, 'atom', contentsOf(result, 'atom'));
          }
        } catch (error) {
          failed = true;
          throw error;
        }
      }),
      { numRuns: RUNS, seed: property.seed, includeErrorInReport: true },
    );
  } finally {
    logged = log.mock.calls.length;
    log.mockRestore();
    const seconds = (performance.now() - started) / 1000;
    summary.push(
      `${property.name}: ${run} runs (${RUNS} cases${failed ? ', failed, then shrinking' : ''}; ${built} built feeds, the rest refused; ` +
        `${logged} console.log line(s) from dependencies) in ${seconds.toFixed(1)} s`,
    );
  }
  expect(logged, 'lines printed with console.log during builds').toBe(0);
}

/** The build's result; an exception is a failure of its own, with the posts that caused it. */
async function buildOrExplain(project: FuzzProject, posts: readonly PostInput[]): Promise<BuildResult> {
  try {
    return await project.build(posts);
  } catch (error) {
    fail([`build() threw instead of returning diagnostics: ${(error as Error).name}: ${(error as Error).message}`], posts);
    throw error;
  }
}

/** `problems` as one failure naming the posts, or nothing. */
function fail(problems: string[], posts: readonly PostInput[]): void {
  if (problems.length === 0) return;
  const files = posts.map((post, index) => `--- posts/p${index}.md ---\n${JSON.stringify(postFile(post)).slice(0, 3000)}`).join('\n');
  throw new Error(`${problems.slice(0, 20).join('\n')}${problems.length > 20 ? `\n… ${problems.length - 20} more` : ''}\n${files}`);
}

const errorsOf = (result: BuildResult) => result.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');

/** A refused build must say why: an error diagnostic, never a crash or a silent failure. */
function refusalProblems(result: BuildResult): string[] {
  if (result.ok) return [];
  const problems: string[] = [];
  if (errorsOf(result).length === 0) problems.push('build failed without an error diagnostic');
  if (result.files.length > 0) problems.push('a failed build returned files');
  return problems;
}

/** The three feeds read back, or the reason they cannot be. */
function readFeeds(result: BuildResult): Record<'rss' | 'atom' | 'json', ReadItem[]> {
  return { rss: readRss(contentsOf(result, 'rss')), atom: readAtom(contentsOf(result, 'atom')), json: readJson(contentsOf(result, 'json')) };
}

const show = (value: unknown) => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 300 ? `${text.slice(0, 300)}…(${text.length} chars)` : text;
};

// ---------------------------------------------------------------- property 1

const wellFormed: FuzzProperty = {
  name: 'well-formed',
  seed: SEED,
  posts: fc.array(postInput({ fieldWeight: 8, refusals: 150 }), { minLength: 1, maxLength: 5 }),
  check(posts, result) {
    const problems = refusalProblems(result);
    if (result.ok) {
      for (const format of ['rss', 'atom'] as const) {
        problems.push(...xmlProblems(contentsOf(result, format)).map((problem) => `${format}: ${problem}`));
      }
      const json = contentsOf(result, 'json');
      if (!json.isWellFormed()) problems.push('json: the text has lone surrogates');
      const strings: string[] = [];
      JSON.parse(json, (_key, value: unknown) => (typeof value === 'string' && strings.push(value), value));
      const forbidden = new Set(strings.flatMap(forbiddenCharacters));
      if (forbidden.size > 0) problems.push(`json: strings carry characters no feed may carry: ${[...forbidden].join(', ')}`);
    }
    fail(problems, posts);
  },
};

// ---------------------------------------------------------------- property 2

function roundTripProblems(format: string, item: ReadItem, expected: ExpectedItem): string[] {
  const problems: string[] = [];
  const at = `${format} ${expected.file}`;
  if (item.id !== expected.id) problems.push(`${at}: id ${show(item.id)}, expected ${show(expected.id)}`);
  if (item.title !== expected.title) problems.push(`${at}: title ${show(item.title)}, expected ${show(expected.title)}`);
  const { summary } = expected;
  if (summary.kind === 'exact' && item.summary !== summary.text) problems.push(`${at}: summary ${show(item.summary)}, expected ${show(summary.text)}`);
  if (summary.kind === 'lead' && !matchesLead(item.summary, summary.text)) {
    problems.push(`${at}: summary ${show(item.summary)} is not the first paragraph ${show(summary.text)} (whole, or cut at 300 characters with "…")`);
  }
  if (item.summary !== item.summary.replace(/\s+/gu, ' ').trim()) problems.push(`${at}: summary ${show(item.summary)} is not single-line text`);

  const dateProblem = format === 'rss' ? rfc822Problem(item.published, expected.date) : rfc3339Problem(item.published, expected.date);
  if (dateProblem) problems.push(`${at}: published ${dateProblem}`);
  if (format === 'atom') {
    const updated = rfc3339Problem(item.updated ?? '', expected.updated ?? expected.date);
    if (updated) problems.push(`${at}: updated ${updated}`);
  }
  if (format === 'json') {
    if (expected.updated === undefined && item.updated !== undefined) problems.push(`${at}: date_modified ${item.updated} without updated:`);
    if (expected.updated !== undefined) {
      const updated = rfc3339Problem(item.updated ?? '', expected.updated);
      if (updated) problems.push(`${at}: date_modified ${updated}`);
    }
  }

  const authors = expected.authors.map((author) => (format === 'rss' ? { name: author.name } : author));
  if (show(item.authors) !== show(authors)) problems.push(`${at}: authors ${show(item.authors)}, expected ${show(authors)}`);
  if (show(item.tags) !== show(expected.tags)) problems.push(`${at}: tags ${show(item.tags)}, expected ${show(expected.tags)}`);
  return problems;
}

const roundTrip: FuzzProperty = {
  name: 'round-trip',
  seed: SEED + 1,
  posts: fc.array(postInput(), { minLength: 1, maxLength: 4 }),
  check(posts, result) {
    const expectation = expectationFor(posts);
    const problems = refusalProblems(result);
    const actualErrors = new Set(errorsOf(result).map((diagnostic) => errorKey(diagnostic.file, diagnostic.field)));
    const missing = [...expectation.errors].filter((key) => !actualErrors.has(key));
    const unexpected = [...actualErrors].filter((key) => !expectation.errors.has(key));
    if (missing.length > 0) problems.push(`expected an error naming ${missing.join('; ')}; got ${show(errorsOf(result))}`);
    if (unexpected.length > 0) problems.push(`unexpected error(s) ${show(errorsOf(result).filter((d) => unexpected.includes(errorKey(d.file, d.field))))}`);
    if (result.ok !== (expectation.errors.size === 0)) problems.push(`ok is ${result.ok}, expected ${expectation.errors.size === 0}`);
    if (result.ok && expectation.errors.size === 0) {
      const feeds = readFeeds(result);
      for (const [format, items] of Object.entries(feeds)) {
        if (items.length !== expectation.items.length) problems.push(`${format}: ${items.length} items, expected ${expectation.items.length}`);
        for (const expected of expectation.items) {
          const item = items.find((candidate) => candidate.link === expected.link);
          if (!item) problems.push(`${format}: no item links to ${expected.link}`);
          else problems.push(...roundTripProblems(format, item, expected));
        }
        for (const item of items) {
          const forbidden = [item.title, item.summary, item.id, item.content ?? '', ...item.tags, ...item.authors.map((a) => a.name)].flatMap(forbiddenCharacters);
          if (forbidden.length > 0) problems.push(`${format} ${item.link}: carries ${[...new Set(forbidden)].join(', ')}`);
        }
      }
      // Summaries derived from Markdown of any shape: the same text in every format.
      for (const item of feeds.json) {
        for (const format of ['rss', 'atom'] as const) {
          const other = feeds[format].find((candidate) => candidate.link === item.link);
          if (other && other.summary !== item.summary) problems.push(`${format} ${item.link}: summary ${show(other.summary)}, JSON has ${show(item.summary)}`);
        }
      }
    }
    fail(problems, posts);
  },
};

// ---------------------------------------------------------------- property 3

/** Newest first; equal dates in id order (README: Output). */
function orderProblems(format: string, items: ReadItem[], dateOf: (item: ReadItem) => number): string[] {
  for (let index = 1; index < items.length; index++) {
    const [a, b] = [items[index - 1]!, items[index]!];
    const [da, db] = [dateOf(a), dateOf(b)];
    if (da < db || (da === db && a.id > b.id)) return [`${format}: ${a.link} comes before ${b.link} but is older or has the later id`];
  }
  return [];
}

const idsAndContent: FuzzProperty = {
  name: 'ids-and-content',
  seed: SEED + 2,
  posts: fc.array(postInput({ fieldWeight: 5, refusals: 150 }), { minLength: 1, maxLength: 5 }),
  check(posts, result) {
    const problems = refusalProblems(result);
    if (result.ok) {
      const feeds = readFeeds(result);
      for (const [format, items] of Object.entries(feeds)) {
        const ids = items.map((item) => item.id);
        if (new Set(ids).size !== ids.length) problems.push(`${format}: ids are not unique: ${show(ids)}`);
        if (ids.some((id) => id === '')) problems.push(`${format}: an empty id`);
      }
      const order = (items: ReadItem[]) => show(items.map((item) => item.link));
      if (order(feeds.rss) !== order(feeds.json) || order(feeds.atom) !== order(feeds.json)) {
        problems.push(`items are in different orders: rss ${order(feeds.rss)}, atom ${order(feeds.atom)}, json ${order(feeds.json)}`);
      }
      problems.push(...orderProblems('json', feeds.json, (item) => Date.parse(item.published)));
      for (const item of feeds.json) {
        const rss = feeds.rss.find((candidate) => candidate.link === item.link);
        const atom = feeds.atom.find((candidate) => candidate.link === item.link);
        if (!rss || !atom) {
          problems.push(`${item.link} is missing from ${rss ? 'Atom' : 'RSS'}`);
          continue;
        }
        if (rss.id !== item.id || atom.id !== item.id) problems.push(`${item.link}: ids differ: rss ${show(rss.id)}, atom ${show(atom.id)}, json ${show(item.id)}`);
        // RSS: a guid without isPermaLink="false" claims to be the item's permalink.
        if (rss.isPermaLink !== 'false' && rss.id !== rss.link) problems.push(`${item.link}: RSS guid ${show(rss.id)} is not the link but isPermaLink is ${rss.isPermaLink ?? 'absent (true)'}`);
        // An empty body may leave the XML formats without a content element: that reads as "".
        if ((rss.content ?? '') !== item.content || (atom.content ?? '') !== item.content) {
          problems.push(`${item.link}: content differs between formats: rss ${show(rss.content)}, atom ${show(atom.content)}, json ${show(item.content)}`);
        }
        if (item.content === undefined) problems.push(`${item.link}: no content_html in a content: full feed`);
        for (const violation of contentViolations(item.content ?? '')) problems.push(`${item.link}: content: ${violation}`);
      }
    } else {
      const expectation = expectationFor(posts);
      const idErrors = [...expectation.errors].filter((key) => key.endsWith(' id'));
      const reported = new Set(errorsOf(result).map((diagnostic) => errorKey(diagnostic.file, diagnostic.field)));
      for (const key of idErrors) if (!reported.has(key)) problems.push(`no error for the id of ${key}`);
    }
    fail(problems, posts);
  },
};

const PROPERTIES = [wellFormed, roundTrip, idsAndContent];

describe(`fuzz: random hostile posts (${RUNS} cases per property)`, () => {
  it('1. every RSS and Atom output is well-formed XML with only legal characters; JSON carries none either', { timeout: TIMEOUT }, async () => {
    await assertProperty(wellFormed);
  });

  it('2. titles, ids, dates, summaries, authors and tags read back exactly (after stripping) in all three formats, or the build names the field', { timeout: TIMEOUT }, async () => {
    await assertProperty(roundTrip);
  });

  it('3. ids are unique and identical across formats; content has only absolute safe URLs and no script', { timeout: TIMEOUT }, async () => {
    await assertProperty(idsAndContent);
  });

  it.skipIf(!archive.enabled)('4. xmllint: every RSS document of every run is well-formed, every Atom document validates against atom.rng', { timeout: TIMEOUT }, async () => {
    const failures = archive.flush();
    summary.push(`xmllint: ${archive.checked} documents in ${archive.seconds.toFixed(1)} s (batches of ${XmlArchive.BATCH})`);
    if (failures.length === 0) return;
    const reports: string[] = [];
    for (const property of PROPERTIES) {
      const first = failures.find((failure) => failure.document.property === property.name);
      if (first) reports.push(await shrinkXmllintFailure(property, first.document, first.messages));
    }
    const unattributed = failures.filter((failure) => !PROPERTIES.some((property) => property.name === failure.document.property));
    for (const failure of unattributed) reports.push(`${failure.document.file}:\n${failure.messages.join('\n')}`);
    expect.fail(`${failures.length} document(s) failed xmllint:\n\n${reports.join('\n\n')}`);
  });
});

// ---------------------------------------------------------------- property 5

/** A case as a reader can replay it: names as JSON strings (or hex when they are not UTF-8). */
function showCase(hostile: HostileCase): string {
  const posts = hostile.posts.map((post) => ({ ...post, name: typeof post.name === 'string' ? post.name : `<bytes ${post.name.toString('hex')}>` }));
  return JSON.stringify({ config: hostile.config, posts }, null, 1).slice(0, 4000);
}

describe(`fuzz: the CLI against hostile file names, keys and config values (${CLI_RUNS} cases)`, () => {
  it('5. exits 0, 1 or 2 without a stack trace; leaves everything as it was on failure; prints no raw control character and no line starting with ::; writes well-formed feeds without script URLs', { timeout: CLI_TIMEOUT }, async () => {
    let run = 0;
    const started = performance.now();
    try {
      await fc.assert(
        fc.property(hostileCase, (hostile) => {
          run++;
          const { outcome, problems } = runHostileCase(hostile);
          if (problems.length === 0) return;
          throw new Error(`${problems.slice(0, 12).join('\n')}\n--- exit ${outcome.status}; stderr:\n${outcome.stderr.slice(0, 1500)}\n--- case:\n${showCase(hostile)}`);
        }),
        // Shrinking spawns a process per step: it stops after the time limit with the smallest case so far.
        { numRuns: CLI_RUNS, seed: SEED + 3, includeErrorInReport: true, interruptAfterTimeLimit: CLI_TIMEOUT - 30_000 },
      );
    } finally {
      summary.push(`hostile-cli: ${run} CLI runs (${CLI_RUNS} cases) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
  });
});

/** Replays the failing run from its seed and path with xmllint as the property, so fast-check shrinks it. */
async function shrinkXmllintFailure(property: FuzzProperty, document: ArchivedDocument, messages: string[]): Promise<string> {
  const project = new FuzzProject();
  const replay = path.join(archive.dir, `replay.${document.format}.xml`);
  const details = await fc.check(
    fc.asyncProperty(property.posts, async (posts) => {
      const result = await buildOrExplain(project, posts);
      if (!result.ok) return;
      writeFileSync(replay, contentsOf(result, document.format));
      const problems = xmllint([replay], document.format === 'atom').get(replay);
      if (problems) throw new Error(problems.join('\n'));
    }),
    { seed: property.seed, path: String(document.run), includeErrorInReport: true },
  );
  const header = `${property.name}, run ${document.run} (${document.format}, ${document.file}):\n${messages.slice(0, 20).join('\n')}`;
  return details.failed ? `${header}\n\nreplayed and shrunk:\n${fc.defaultReportMessage(details)}` : `${header}\n(the replay did not fail again)`;
}
