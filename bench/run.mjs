#!/usr/bin/env node
// Whole-process benchmark of the postfeed CLI against the anchors in ../shared/bench/anchors/.
//
//   npm run bench                                    # N = 1,000 and 10,000; 3 runs each
//   node bench/run.mjs --large                       # N = 1,000, 10,000, 50,000, 100,000
//   node bench/run.mjs --sizes 1000,10000 --runs 5
//   node bench/run.mjs --sizes 10000 --runs 1 --profile   # plus a --cpu-prof of a cold postfeed build
//   node bench/run.mjs --no-naive --no-hugo          # skip the anchors that need npm or hugo
//
// Corpora: make-corpus.mjs, seed 1, in .bench/corpus-N (reused when complete; never edited). Each
// size has its own site folder .bench/site-N/ (config, id ledger, cache, posts copy, outputs) and
// its own Hugo site .bench/hugo-N/, so one size's ledger or cache never leaks into another's runs.
// Each measurement is one fresh process: wall time from spawn to exit; CPU (user + sys) and peak
// RSS from /usr/bin/time -f '%M %U %S', else peak RSS from polling /proc/PID/status VmHWM and no
// CPU. Systems alternate within a round (A B C …, A B C …) as the anchors' README recommends,
// since absolute times on a shared machine drift; compare the ratios.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BENCH = path.join(ROOT, '.bench');
const SHARED = path.resolve(ROOT, '..', 'shared', 'bench');
const CLI = path.join(ROOT, 'lib', 'cli.js');
const MAKE_CORPUS = path.join(SHARED, 'make-corpus.mjs');
const ANCHORS = path.join(SHARED, 'anchors');
const TIME = '/usr/bin/time';
const FEEDS = ['rss.xml', 'atom.xml', 'feed.json'];
// Both relative to the site folder, which is postfeed's working directory: the ledger path is
// resolved against the working directory (config "ledger", default postfeed.lock.json, written
// beside our config since both live there), and so is the default cache folder. We never pass
// --cache-dir, so the script works the same before and after that flag exists.
const LEDGER = 'postfeed.lock.json';
const CACHE = path.join('node_modules', '.cache', 'postfeed');
// Appended to one post for the "one edit" mode; plain ASCII so it reads the same in all three feeds.
const EDIT_MARK = 'Edited for the benchmark, version';

const USAGE = `usage: node bench/run.mjs [options]

  --sizes <n,n,…>  corpus sizes (posts; "1k" works); default 1000,10000
  --large          sizes 1000,10000,50000,100000 (an explicit --sizes wins); needs several GB of
                   disk in .bench/ and tens of minutes
  --runs <n>       runs per system and size, alternated per round; the table shows medians (default 3)
  --no-naive       skip the naive script (it needs npm install feed@6 gray-matter marked once)
  --no-hugo        skip the Hugo anchor (otherwise used when hugo is on PATH)
  --no-floor       skip the I/O floor (then the "÷ floor" column is empty)
  --profile        after the runs, one cold postfeed build (--limit 0) under --cpu-prof per size,
                   summarized by package and function
  -h, --help       show this help

postfeed modes (cwd .bench/site-N, --limit 0 unless said otherwise):
  cold             cache folder (node_modules/.cache/postfeed) and id ledger deleted first
  warm             nothing changed since the previous build that used the cache
  one edit         one post's body changed since the previous build that used the cache
  --no-cache       cache bypassed (skipped while postfeed build --help lists no --no-cache)
  cold --workers 1 one worker thread (skipped while postfeed build --help lists no --workers)
  cold, limit 20   the default limit (no --limit)
`;

// ------------------------------------------------------------------ options
function parseOptions(argv) {
  const options = { sizes: undefined, large: false, runs: 3, naive: true, hugo: true, floor: true, profile: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (v === undefined) fail(`missing value for ${arg}`);
      return v;
    };
    if (arg === '--sizes' || arg.startsWith('--sizes=')) options.sizes = value().split(',').map((s) => parseCount(s, '--sizes'));
    else if (arg === '--runs' || arg.startsWith('--runs=')) options.runs = parseCount(value(), '--runs');
    else if (arg === '--large') options.large = true;
    else if (arg === '--no-naive') options.naive = false;
    else if (arg === '--no-hugo') options.hugo = false;
    else if (arg === '--no-floor') options.floor = false;
    else if (arg === '--profile') options.profile = true;
    else if (arg === '-h' || arg === '--help') {
      process.stdout.write(USAGE);
      process.exit(0);
    } else fail(`unknown argument ${arg}`);
  }
  // 50k and 100k take minutes per run and gigabytes of disk, so only on request.
  options.sizes ??= options.large ? [1000, 10000, 50000, 100000] : [1000, 10000];
  return options;
}

function parseCount(text, flag) {
  const n = Number(text.trim().replace(/[_,]/g, '').replace(/k$/i, '000'));
  if (!Number.isInteger(n) || n < 1) fail(`${flag}: not a positive whole number: ${text}`);
  return n;
}

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

const count = (n) => n.toLocaleString('en-US');
const log = (message) => process.stderr.write(`${message}\n`);

// Sanity problems are loud but never fatal: a half-finished table still says more than none.
const warnings = [];
function warn(message) {
  warnings.push(message);
  log(`bench: WARNING: ${message}`);
}

function run(command, args, what) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) fail(`${what} failed: ${(result.stderr || result.error?.message || '').trim()}`);
  return result;
}

// ------------------------------------------------------------------ setup
/** The corpus for N posts, generated once (a marker file records a complete generation). */
function corpus(n) {
  const dir = path.join(BENCH, `corpus-${n}`);
  const marker = `${dir}.json`;
  if (existsSync(marker) && existsSync(dir)) return { dir, summary: JSON.parse(readFileSync(marker, 'utf8')) };
  log(`bench: generating ${n} posts into ${path.relative(ROOT, dir)} …`);
  rmSync(dir, { recursive: true, force: true });
  const made = run(process.execPath, [MAKE_CORPUS, '--count', String(n), '--out', dir, '--seed', '1'], 'make-corpus');
  const summary = JSON.parse(made.stdout.trim().split('\n').pop());
  writeFileSync(marker, JSON.stringify(summary));
  return { dir, summary };
}

/** Copies folder `from` to `to` unless `to` already holds as many files; via a temporary name, so an interrupted copy is never taken for a complete one. */
function copyOnce(from, to) {
  if (existsSync(to) && readdirSync(to).length === readdirSync(from).length) return;
  log(`bench: copying ${path.relative(ROOT, from)} to ${path.relative(ROOT, to)} …`);
  const partial = `${to}.partial`;
  rmSync(to, { recursive: true, force: true });
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(path.dirname(to), { recursive: true });
  run('cp', ['-r', from, partial], 'cp -r');
  renameSync(partial, to);
}

/**
 * The site folder for N: config, a copy of the corpus in posts/ (the "one edit" mode changes a post
 * there, never in the reused corpus) and, after builds, the ledger, cache and out/<mode>/.
 */
function site(n, corpusDir) {
  const dir = path.join(BENCH, `site-${n}`);
  mkdirSync(dir, { recursive: true });
  // Dated permalinks (the default, spelled out): the corpus repeats slugs on different days, as
  // real archives do. No "limit": the default (20) applies unless --limit is given.
  const config = {
    title: 'Bench corpus',
    baseUrl: 'https://example.com/',
    description: 'All posts',
    language: 'en',
    author: { name: 'Bench Author' },
    permalink: '/posts/:year/:month/:day/:slug/',
  };
  writeFileSync(path.join(dir, 'postfeed.config.json'), `${JSON.stringify(config, null, 2)}\n`);
  copyOnce(corpusDir, path.join(dir, 'posts'));
  // The post to edit: the newest published one (not future-dated, not a draft), so the edit lands
  // in every feed. Restored from the corpus now, as an earlier invocation may have left it edited.
  const edited = readdirSync(corpusDir)
    .filter((name) => name.endsWith('.md') && Number(name.slice(0, 4)) < 2080)
    .sort()
    .reverse()
    .find((name) => !/^draft:\s*true\s*$/m.test(readFileSync(path.join(corpusDir, name), 'utf8').split(/^---\s*$/m)[1] ?? ''));
  if (!edited) fail(`N=${count(n)}: no published post to edit in ${path.relative(ROOT, corpusDir)}`);
  const original = readFileSync(path.join(corpusDir, edited), 'utf8');
  writeFileSync(path.join(dir, 'posts', edited), original);
  rmSync(path.join(dir, 'out'), { recursive: true, force: true });
  return { dir, edited, original };
}

/** The Hugo anchor for N: the anchors' site template with the corpus in content/posts/, made once. */
function hugoSite(n, corpusDir) {
  const dir = path.join(BENCH, `hugo-${n}`);
  if (!existsSync(path.join(dir, 'config.toml'))) {
    rmSync(dir, { recursive: true, force: true });
    run('cp', ['-r', path.join(ANCHORS, 'hugo'), dir], 'cp -r');
    // The shared anchors are read-only and cp keeps the modes; we must add content/ inside.
    run('chmod', ['-R', 'u+w', dir], 'chmod');
  }
  copyOnce(corpusDir, path.join(dir, 'content', 'posts'));
  return dir;
}

/** Installs the naive script's dependencies in .bench/naive; undefined (with a message) if that fails. */
function naiveScript() {
  const dir = path.join(BENCH, 'naive');
  const script = path.join(dir, 'naive-feed.mjs');
  mkdirSync(dir, { recursive: true });
  writeFileSync(script, readFileSync(path.join(ANCHORS, 'naive-feed.mjs')));
  const installed = ['feed', 'gray-matter', 'marked'].every((name) => existsSync(path.join(dir, 'node_modules', name, 'package.json')));
  if (installed) return script;
  if (!existsSync(path.join(dir, 'package.json'))) writeFileSync(path.join(dir, 'package.json'), '{ "private": true, "type": "module" }\n');
  log('bench: installing feed@6 gray-matter marked for the naive script (npm) …');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error', 'feed@6', 'gray-matter', 'marked'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (result.status !== 0) {
    log(`bench: skipping the naive script: npm install failed (registry unreachable?) ${(result.stderr || result.error?.message || '').trim().split('\n').slice(-2).join(' ')}`);
    return undefined;
  }
  return script;
}

/** hugo's absolute path and version, if it is on PATH. */
function findHugo() {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const file = path.join(dir || '.', 'hugo');
    try {
      accessSync(file, constants.X_OK);
    } catch {
      continue;
    }
    const version = spawnSync(file, ['version'], { encoding: 'utf8' });
    if (version.status === 0) return { file, version: /v\d+\.\d+(\.\d+)?/.exec(version.stdout)?.[0] ?? 'unknown version' };
  }
  return undefined;
}

/**
 * Which of the cache/worker flags this build of postfeed has. They are being added on main; until
 * then `build --help` does not list them and the modes that need them are skipped, so this script
 * runs unchanged before and after.
 */
function postfeedFlags() {
  const help = spawnSync(process.execPath, [CLI, 'build', '--help'], { encoding: 'utf8' });
  const text = `${help.stdout}${help.stderr}`;
  return { workers: /--workers\b/.test(text), noCache: /--no-cache\b/.test(text), cacheDir: /--cache-dir\b/.test(text) };
}

// ------------------------------------------------------------------ measuring
const haveTime = existsSync(TIME) && spawnSync(TIME, ['-f', '%M %U %S', 'true'], { encoding: 'utf8' }).status === 0;

/** Runs one process to completion: { seconds, cpu (user + sys s, or undefined), peakMiB, code, stderr }. */
function measure(command, args, { cwd = BENCH, env = process.env } = {}) {
  return new Promise((resolve) => {
    const timeFile = path.join(BENCH, `time-${process.pid}.txt`);
    const [file, argv] = haveTime ? [TIME, ['-f', '%M %U %S', '-o', timeFile, command, ...args]] : [command, args];
    const started = process.hrtime.bigint();
    const child = spawn(file, argv, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-5_000_000)));
    let polledKiB = 0;
    const poll = haveTime
      ? undefined
      : setInterval(() => {
          try {
            const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
            if (match) polledKiB = Math.max(polledKiB, Number(match[1]));
          } catch {
            // gone already
          }
        }, 10);
    child.on('exit', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (poll) clearInterval(poll);
      let kib = polledKiB;
      let cpu;
      if (haveTime) {
        // The format line is the last one: time puts "Command exited with non-zero status" before it.
        const [maxKiB, user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
        rmSync(timeFile, { force: true });
        kib = maxKiB;
        cpu = user + sys;
      }
      resolve({ seconds, cpu, peakMiB: kib / 1024, code, stderr });
    });
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Bytes of all files below `dir` (Hugo writes a folder per page). */
function treeBytes(dir) {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
    const file = path.join(dir, entry.name);
    return sum + (entry.isDirectory() ? treeBytes(file) : statSync(file).size);
  }, 0);
}

/** Files larger than this are not parsed as one string (V8's limit is 512 MiB): their item count is left out. */
const MAX_PARSED_BYTES = 256 << 20;

const jsonItems = (file) => (existsSync(file) && statSync(file).size <= MAX_PARSED_BYTES ? JSON.parse(readFileSync(file, 'utf8')).items.length : undefined);

/** How often `needle` occurs in `file`, read in blocks: Hugo's RSS of 100,000 posts is longer than a string may be. */
function occurrences(file, needle) {
  if (!existsSync(file)) return undefined;
  const pattern = Buffer.from(needle);
  const block = Buffer.allocUnsafe(64 << 20);
  const fd = openSync(file, 'r');
  let count = 0;
  let kept = 0; // bytes carried over from the previous block, in case the needle straddles two
  try {
    for (;;) {
      const read = readSync(fd, block, kept, block.length - kept, null);
      const end = kept + read;
      for (let at = block.indexOf(pattern); at !== -1 && at + pattern.length <= end; at = block.indexOf(pattern, at + pattern.length)) count++;
      if (read === 0) break;
      kept = Math.min(pattern.length - 1, end);
      block.copy(block, 0, end - kept, end);
    }
  } finally {
    closeSync(fd);
  }
  return count;
}

// ------------------------------------------------------------------ output checks
/** undefined if the three feeds in `a` and `b` are byte-identical, else which differ. */
function feedsDiffer(a, b) {
  const differ = FEEDS.filter((name) => {
    const [x, y] = [path.join(a, name), path.join(b, name)];
    return !existsSync(x) || !existsSync(y) || !readFileSync(x).equals(readFileSync(y));
  });
  return differ.length ? differ.join(', ') : undefined;
}

/**
 * undefined if `edit` differs from `cold` in the edited post only, and that post carries the edit
 * (a stale cache would serve the old body: identical files are a failure here), else what is wrong.
 */
function editDiffers(cold, edit) {
  const problems = [];
  const [before, after] = [path.join(cold, 'feed.json'), path.join(edit, 'feed.json')].map((file) => JSON.parse(readFileSync(file, 'utf8')));
  const changed = after.items.map((item, i) => i).filter((i) => JSON.stringify(after.items[i]) !== JSON.stringify(before.items[i]));
  const head = (feed) => JSON.stringify({ ...feed, items: undefined });
  if (before.items.length !== after.items.length) problems.push(`feed.json: ${before.items.length} items before, ${after.items.length} after`);
  else if (head(before) !== head(after)) problems.push('feed.json: the feed-level fields differ');
  if (changed.length === 0) problems.push('feed.json: no item differs, the edit is missing (stale cache?)');
  else if (changed.length !== 1) problems.push(`feed.json: ${changed.length} items differ, not 1`);
  const id = changed.length === 1 ? after.items[changed[0]].id : undefined;
  if (id !== undefined && !JSON.stringify(after.items[changed[0]]).includes(EDIT_MARK)) problems.push('feed.json: the changed item lacks the edit');
  // In the XML feeds, compare item by item: the text before the first <item>/<entry> is the feed head.
  for (const name of ['rss.xml', 'atom.xml']) {
    const [x, y] = [cold, edit].map((dir) => readFileSync(path.join(dir, name), 'utf8').split(/(?=<item>|<entry>)/));
    if (x.length !== y.length) {
      problems.push(`${name}: ${x.length - 1} items before, ${y.length - 1} after`);
      continue;
    }
    const diff = y.map((segment, i) => i).filter((i) => x[i] !== y[i]);
    if (diff.includes(0)) problems.push(`${name}: the feed head differs`);
    const items = diff.filter((i) => i > 0);
    if (items.length === 0) problems.push(`${name}: no item differs, the edit is missing (stale cache?)`);
    else if (items.length !== 1) problems.push(`${name}: ${items.length} items differ, not 1`);
    else if (!y[items[0]].includes(EDIT_MARK) || (id !== undefined && !y[items[0]].includes(id))) problems.push(`${name}: the changed item is not the edited post`);
  }
  return problems.length ? problems.join('; ') : undefined;
}

// ------------------------------------------------------------------ profile
/** Self time by function and by package from .cpuprofile files (one per thread: main and workers). */
function summarizeProfiles(files) {
  const byFunction = new Map();
  const byPackage = new Map();
  let total = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8'));
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const self = new Map();
    const deltas = profile.timeDeltas ?? [];
    profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (deltas[i] ?? 0)));
    for (const [id, micros] of self) {
      total += micros;
      const { callFrame } = byId.get(id);
      const url = callFrame.url.replace(/^file:\/\//, '');
      const where = url.includes('node_modules/')
        ? url.slice(url.lastIndexOf('node_modules/') + 13)
        : url.startsWith(ROOT)
          ? path.relative(ROOT, url)
          : url || '(native)';
      const name = `${callFrame.functionName || '(anonymous)'}  ${where}${url ? `:${callFrame.lineNumber + 1}` : ''}`;
      byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
      const pkg = url.includes('node_modules/')
        ? url.slice(url.lastIndexOf('node_modules/') + 13).split('/').slice(0, url.includes('node_modules/@') ? 2 : 1).join('/')
        : url.startsWith(ROOT)
          ? 'postfeed (lib/)'
          : callFrame.functionName === '(garbage collector)'
            ? '(garbage collector)'
            : url.startsWith('node:')
              ? 'node: internals'
              : '(native/idle/program)';
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + micros);
    }
  }
  const top = (map, count) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, micros]) => `  ${((100 * micros) / total).toFixed(1).padStart(5)}%  ${(micros / 1e6).toFixed(2).padStart(6)} s  ${name}`)
      .join('\n');
  return `self time by package:\n${top(byPackage, 10)}\nself time by function:\n${top(byFunction, 20)}`;
}

/**
 * What touching fresh memory costs on this machine: a new process fills 256 MiB once (median of
 * three). The I/O floor is mostly that (it fills a buffer as large as postfeed's output, and the
 * page cache's pages for the file), and the cost swung 3–4× between sessions of one VM, moving
 * every "÷ floor" ratio with it; printed so a table can be read against it.
 */
function freshMemoryCost() {
  const script = 'const t = process.hrtime.bigint(); Buffer.alloc(256 * 1024 * 1024, 1); process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));';
  const times = [];
  for (let run = 0; run < 3; run++) {
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    const ms = Number(result.stdout);
    if (result.status === 0 && Number.isFinite(ms)) times.push(ms);
  }
  if (times.length === 0) return 'not measured';
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  return `${(median / 2.56).toFixed(0)} ms per 100 MiB touched`;
}

// ------------------------------------------------------------------ main
const options = parseOptions(process.argv.slice(2));
if (!existsSync(CLI)) fail(`${path.relative(ROOT, CLI)} is missing: run npm run compile (npm run bench does)`);
mkdirSync(BENCH, { recursive: true });
const flags = postfeedFlags();
const naive = options.naive ? naiveScript() : undefined;
if (!options.naive) log('bench: naive script skipped (--no-naive)');
const hugo = options.hugo ? findHugo() : undefined;
if (options.hugo && !hugo) log('bench: Hugo anchor skipped: no hugo on PATH');
if (!options.hugo) log('bench: Hugo anchor skipped (--no-hugo)');
const notes = [];
if (!flags.noCache) notes.push('postfeed build --help lists no --no-cache: the --no-cache mode is skipped, and warm / one edit are full builds until postfeed has a cache');
if (!flags.workers) notes.push('postfeed build --help lists no --workers: the cold --workers 1 mode is skipped');
notes.forEach((note) => log(`bench: ${note}`));
const environment =
  `environment: node ${process.version}, nproc ${os.availableParallelism()}, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, ` +
  `fresh memory ${freshMemoryCost()}, ` +
  `${haveTime ? `${TIME} used (wall, CPU, peak RSS)` : `${TIME} not used (peak RSS from /proc/PID/status VmHWM, no CPU)`}, ` +
  `hugo ${hugo ? hugo.version : 'not used'}, postfeed flags: --workers ${flags.workers ? 'yes' : 'no'}, --no-cache ${flags.noCache ? 'yes' : 'no'}, ` +
  `--cache-dir ${flags.cacheDir ? 'yes' : 'no'}; ${options.runs} run(s) per system and size`;
log(`bench: ${environment}`);

const env = { ...process.env, POSTFEED_BASE_URL: '', SOURCE_DATE_EPOCH: '' };
const rows = [];
const sanity = [];
for (const n of options.sizes) {
  const { dir: corpusDir, summary } = corpus(n);
  const { dir: siteDir, edited, original } = site(n, corpusDir);
  const hugoDir = hugo ? hugoSite(n, corpusDir) : undefined;
  const editedFile = path.join(siteDir, 'posts', edited);
  const outDir = (mode) => path.join(siteDir, 'out', mode);
  const fresh = (mode) => {
    rmSync(outDir(mode), { recursive: true, force: true });
    return outDir(mode);
  };
  // Which version of the edited post is in posts/ (0 = as generated; edits alternate 1, 2, 1 …, so
  // every edit run sees a change), and which version the cache last saw in full (a --limit 0 build
  // that used it), so warm and one-edit runs can tell whether they start from what they claim.
  let version = 0;
  let cached;
  // The id ledger shapes ids, so its state is part of the input: every cold run starts without one
  // (like a first build), and the other modes find the one their predecessor wrote.
  const coldStart = () => {
    rmSync(path.join(siteDir, CACHE), { recursive: true, force: true });
    rmSync(path.join(siteDir, LEDGER), { force: true });
  };
  // Every postfeed mode writes to its own fresh out/<mode>/ (as a CI checkout would), which keeps
  // each mode's last output for the comparisons with the cold one.
  const postfeed = (mode, extra) => measure(process.execPath, [CLI, 'build', '--config', 'postfeed.config.json', '--posts', 'posts', '--out', fresh(mode), '--quiet', ...extra], { cwd: siteDir, env });
  const prime = async () => {
    if (cached === version) return;
    log('bench:   priming the cache with an untimed --limit 0 build …');
    const result = await postfeed('prime', ['--limit', '0']);
    if (result.code !== 0) warn(`N=${count(n)}: the untimed priming build exited ${result.code}`);
    else cached = version;
  };
  let postfeedBytes = 0;
  const systems = [
    {
      key: 'cold',
      name: 'postfeed cold',
      postfeed: true,
      prepare: coldStart,
      run: () => postfeed('cold', ['--limit', '0']),
      done: () => {
        cached = version;
        postfeedBytes = treeBytes(outDir('cold'));
        if (!existsSync(path.join(siteDir, LEDGER))) warn(`N=${count(n)}: no ledger at ${path.relative(ROOT, path.join(siteDir, LEDGER))} after a cold build`);
        if (flags.noCache && !existsSync(path.join(siteDir, CACHE))) warn(`N=${count(n)}: no cache at ${path.relative(ROOT, path.join(siteDir, CACHE))} after a cold build: cold runs may not start cold`);
      },
      out: () => outDir('cold'),
    },
    ...(options.floor
      ? [
          {
            key: 'floor',
            name: 'I/O floor (read all, write as many bytes)',
            run: () => {
              mkdirSync(fresh('floor'), { recursive: true });
              if (!postfeedBytes) warn(`N=${count(n)}: no postfeed output to size the floor by; it writes as many bytes as the corpus`);
              return measure(process.execPath, [path.join(ANCHORS, 'floor-read-write.mjs'), corpusDir, path.join(outDir('floor'), 'out.bin'), String(postfeedBytes || summary.bytes)]);
            },
            out: () => outDir('floor'),
          },
        ]
      : []),
    ...(naive
      ? [
          {
            key: 'naive',
            name: 'naive script (3 formats, all items)',
            run: () => measure(process.execPath, [naive, corpusDir, fresh('naive')]),
            out: () => outDir('naive'),
            items: () => jsonItems(path.join(outDir('naive'), 'feed.json')),
          },
        ]
      : []),
    ...(hugoDir
      ? [
          {
            key: 'hugo',
            name: `Hugo ${hugo.version} (RSS + every page)`,
            // A fresh public/ each run, so every run writes every page.
            prepare: () => rmSync(path.join(hugoDir, 'public'), { recursive: true, force: true }),
            run: () => measure(hugo.file, ['--quiet', '-s', hugoDir]),
            out: () => path.join(hugoDir, 'public'),
            items: () => {
              return occurrences(path.join(hugoDir, 'public', 'index.xml'), '<item>');
            },
          },
        ]
      : []),
    {
      key: 'warm',
      name: 'postfeed warm',
      postfeed: true,
      prepare: prime,
      run: () => postfeed('warm', ['--limit', '0']),
      out: () => outDir('warm'),
    },
    ...(flags.noCache
      ? [
          {
            key: 'no-cache',
            name: 'postfeed --no-cache',
            postfeed: true,
            run: () => postfeed('no-cache', ['--limit', '0', '--no-cache']),
            out: () => outDir('no-cache'),
          },
        ]
      : []),
    ...(flags.workers
      ? [
          {
            key: 'workers-1',
            name: 'postfeed cold --workers 1',
            postfeed: true,
            prepare: coldStart,
            run: () => postfeed('workers-1', ['--limit', '0', '--workers', '1']),
            done: () => (cached = version),
            out: () => outDir('workers-1'),
          },
        ]
      : []),
    // Last of the --limit 0 modes: it changes the post every later mode of the round would read.
    {
      key: 'edit',
      name: 'postfeed one edit',
      postfeed: true,
      prepare: async () => {
        await prime();
        version = version === 1 ? 2 : 1;
        writeFileSync(editedFile, `${original}\n${EDIT_MARK} ${version}.\n`);
      },
      run: () => postfeed('edit', ['--limit', '0']),
      done: () => (cached = version),
      out: () => outDir('edit'),
    },
    {
      key: 'limit-20',
      name: 'postfeed cold, default limit 20',
      postfeed: true,
      prepare: coldStart,
      run: () => postfeed('limit-20', []),
      // With a limit, the cache may hold only the posts in the feed.
      done: () => (cached = undefined),
      out: () => outDir('limit-20'),
    },
  ];
  for (const system of systems) {
    system.items ??= system.postfeed ? () => jsonItems(path.join(system.out(), 'feed.json')) : () => undefined;
    system.runs = [];
  }
  // For each compared mode: the rounds whose output was identical, and what differed in the others.
  const compared = new Map(['warm', 'no-cache', 'workers-1', 'edit'].map((key) => [key, { same: 0, problems: [] }]));

  for (let round = 1; round <= options.runs; round++) {
    const versions = new Map();
    for (const system of systems) {
      if (system.failed) continue;
      log(`bench: N=${n} round ${round}/${options.runs}: ${system.name} …`);
      await system.prepare?.();
      const result = await system.run();
      if (result.code !== 0) {
        system.failed = `exit ${result.code}`;
        cached = undefined;
        warn(`${system.name} at N=${count(n)} exited ${result.code}; dropped for this size:\n${result.stderr.split('\n').filter((l) => !l.includes(': warning: ')).slice(-15).join('\n')}`);
        continue;
      }
      system.done?.();
      versions.set(system.key, version);
      system.runs.push({ ...result, bytes: treeBytes(system.out()) });
      log(`bench:   ${result.seconds.toFixed(2)} s wall${result.cpu === undefined ? '' : `, ${result.cpu.toFixed(2)} s CPU`}, ${result.peakMiB.toFixed(0)} MiB`);
    }
    // Each round's outputs against that round's cold one; only the edit run saw another version of the post.
    if (!versions.has('cold')) continue;
    for (const [key, tally] of compared) {
      if (!versions.has(key)) continue;
      const expectEdit = key === 'edit';
      if ((versions.get(key) !== versions.get('cold')) !== expectEdit) {
        tally.problems.push(`round ${round}: not built from the posts the cold run read (bench bug)`);
        continue;
      }
      const differ = expectEdit ? editDiffers(outDir('cold'), outDir(key)) : feedsDiffer(outDir('cold'), outDir(key));
      const problem = differ && (expectEdit ? differ : `${differ} not byte-identical`);
      if (problem) {
        tally.problems.push(`round ${round}: ${problem}`);
        warn(`N=${count(n)}: ${systems.find((s) => s.key === key).name} vs cold, round ${round}: ${problem}`);
      } else tally.same++;
    }
  }

  // Sanity: the all-items feed carries exactly the corpus's published posts; the default feed 20.
  const cold = systems.find((s) => s.key === 'cold');
  const coldItems = cold.runs.length ? cold.items() : undefined;
  if (coldItems === undefined) sanity.push(`N=${count(n)}: no cold output to check`);
  else if (coldItems !== summary.published) warn(`N=${count(n)}: the cold feed.json has ${coldItems} items, the corpus has ${summary.published} published posts`);
  else sanity.push(`N=${count(n)}: cold feed.json has ${coldItems} items = the corpus's published count`);
  const limited = systems.find((s) => s.key === 'limit-20');
  const limitedItems = limited.runs.length ? limited.items() : undefined;
  if (limitedItems !== undefined && limitedItems !== Math.min(20, summary.published)) warn(`N=${count(n)}: the default-limit feed.json has ${limitedItems} items, not ${Math.min(20, summary.published)}`);
  for (const [key, tally] of compared) {
    const system = systems.find((s) => s.key === key);
    if (!system) continue;
    const what = key === 'edit' ? 'differs from cold in the edited post only, which carries the edit' : 'identical to cold (rss.xml, atom.xml, feed.json)';
    if (!tally.problems.length && tally.same) sanity.push(`N=${count(n)}: ${system.name}: ${what}, ${tally.same} of ${tally.same} round(s)`);
    else if (tally.problems.length) sanity.push(`N=${count(n)}: WARNING: ${system.name}: ${tally.problems.join('; ')}`);
  }

  const medianOf = (key) => {
    const system = systems.find((s) => s.key === key);
    return system?.runs.length ? median(system.runs.map((r) => r.seconds)) : undefined;
  };
  const [floorMedian, naiveMedian] = [medianOf('floor'), medianOf('naive')];
  for (const system of systems) {
    const runs = system.runs;
    const seconds = runs.length ? median(runs.map((r) => r.seconds)) : undefined;
    rows.push({
      system: system.name,
      key: system.key,
      n,
      failed: system.failed,
      seconds,
      spread: runs.length ? `${Math.min(...runs.map((r) => r.seconds)).toFixed(2)}–${Math.max(...runs.map((r) => r.seconds)).toFixed(2)}` : undefined,
      cpu: runs.length && runs.every((r) => r.cpu !== undefined) ? median(runs.map((r) => r.cpu)) : undefined,
      peak: runs.length ? Math.max(...runs.map((r) => r.peakMiB)) : undefined,
      items: runs.length ? system.items() : undefined,
      output: runs.length ? runs.at(-1).bytes / 1e6 : undefined,
      floor: seconds !== undefined && floorMedian ? seconds / floorMedian : undefined,
      naive: seconds !== undefined && naiveMedian ? seconds / naiveMedian : undefined,
    });
  }

  if (options.profile) {
    const profDir = path.join(BENCH, `prof-${n}`);
    rmSync(profDir, { recursive: true, force: true });
    log(`bench: profiling a cold postfeed build (all items) at N=${n} …`);
    coldStart();
    const result = await measure(
      process.execPath,
      ['--cpu-prof', '--cpu-prof-dir', profDir, CLI, 'build', '--config', 'postfeed.config.json', '--posts', 'posts', '--out', fresh('prof'), '--limit', '0', '--quiet'],
      { cwd: siteDir, env },
    );
    const files = existsSync(profDir) ? readdirSync(profDir).filter((name) => name.endsWith('.cpuprofile')) : [];
    if (result.code !== 0 || !files.length) log(`bench: profiling failed (exit ${result.code})`);
    else
      process.stdout.write(
        `\nCPU profile, postfeed cold, all items, N=${n} (${files.length} thread profile(s) in ${path.relative(ROOT, profDir)}):\n` +
          `${summarizeProfiles(files.map((name) => path.join(profDir, name)))}\n`,
      );
  }
  // The outputs are only needed for this size's comparisons; at 100k they are gigabytes.
  rmSync(path.join(siteDir, 'out'), { recursive: true, force: true });
  if (hugoDir) rmSync(path.join(hugoDir, 'public'), { recursive: true, force: true });
}

// ------------------------------------------------------------------ report
function markdownTable(header, cells) {
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((row) => row[i].length)));
  const line = (row) => `| ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`;
  return `${line(header)}\n|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|\n${cells.map(line).join('\n')}\n`;
}

const fixed = (value, digits) => (value === undefined ? '–' : value.toFixed(digits));
// Anchors first, then postfeed's modes; the run order differs (the floor needs the cold output's size).
const ORDER = ['floor', 'naive', 'hugo', 'cold', 'warm', 'edit', 'no-cache', 'workers-1', 'limit-20'];
const main = markdownTable(
  ['system', 'N', 'median wall s', 'min–max s', 'median CPU s', 'peak RSS MiB', 'items', 'output MB', '÷ floor', '÷ naive'],
  [...rows].sort((a, b) => options.sizes.indexOf(a.n) - options.sizes.indexOf(b.n) || ORDER.indexOf(a.key) - ORDER.indexOf(b.key)).map((row) =>
    row.seconds === undefined
      ? [row.system, count(row.n), `failed (${row.failed})`, '–', '–', '–', '–', '–', '–', '–']
      : [
          row.system,
          count(row.n),
          fixed(row.seconds, 2),
          row.spread,
          fixed(row.cpu, 2),
          fixed(row.peak, 0),
          row.items === undefined ? '–' : count(row.items),
          fixed(row.output, 1),
          fixed(row.floor, 1),
          fixed(row.naive, 2),
        ],
  ),
);
// Per-post cost at each size, relative to the smallest: ≈ 1 is linear, growing numbers are not.
const linear = rows.filter((row) => (row.key === 'cold' || row.key === 'warm') && row.seconds !== undefined);
const first = new Map();
for (const row of linear) if (!first.has(row.key) || row.n < first.get(row.key).n) first.set(row.key, row);
const linearity = markdownTable(
  ['postfeed', 'N', 's per 1k posts', '× vs smallest N', 'peak RSS MiB', 'MiB per 1k posts'],
  linear
    .sort((a, b) => a.key.localeCompare(b.key) || a.n - b.n)
    .map((row) => {
      const perK = row.seconds / (row.n / 1000);
      const base = first.get(row.key);
      return [row.key, count(row.n), perK.toFixed(3), `×${(perK / (base.seconds / (base.n / 1000))).toFixed(2)}`, fixed(row.peak, 0), (row.peak / (row.n / 1000)).toFixed(1)];
    }),
);
process.stdout.write(
  `\n${environment}\n${notes.map((note) => `note: ${note}\n`).join('')}\n${main}\n` +
    `median of ${options.runs} whole-process run(s), alternated per round; CPU = user + sys; peak RSS = max over the runs; ` +
    `items = items in feed.json (Hugo: <item>s in its RSS); ÷ floor and ÷ naive divide median wall times at the same N; ` +
    `the I/O floor writes one file as large as postfeed's cold output; postfeed runs use its default workers (all cores) unless the row says otherwise.\n` +
    `\nlinearity:\n\n${linearity}\n` +
    `sanity:\n${sanity.map((line) => `  ${line}\n`).join('')}` +
    (warnings.length ? `\n${warnings.map((w) => `WARNING: ${w.split('\n')[0]}\n`).join('')}` : ''),
);
