#!/usr/bin/env node
// Whole-process benchmark of the postfeed CLI against the anchors in ../shared/bench/anchors/.
//
//   npm run bench                                   # N = 1,000, 10,000, 50,000; 3 runs each
//   node bench/run.mjs --sizes 1000,10000 --runs 5
//   node bench/run.mjs --sizes 10000 --runs 1 --profile   # plus a --cpu-prof of postfeed (all items)
//   node bench/run.mjs --no-naive                   # skip the naive script (no npm install)
//
// Corpora: make-corpus.mjs, seed 1, in .bench/corpus-N (reused when complete). Each measurement is
// one fresh process: wall time from spawn to exit, peak RSS from /usr/bin/time -v (%M), else from
// polling /proc/PID/status VmHWM. Systems alternate within a round (A B C D, A B C D …) as the
// anchors' README recommends, since absolute times on a shared machine drift; compare the ratios.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BENCH = path.join(ROOT, '.bench');
const SHARED = path.resolve(ROOT, '..', 'shared', 'bench');
const CLI = path.join(ROOT, 'lib', 'cli.js');
const MAKE_CORPUS = path.join(SHARED, 'make-corpus.mjs');
const ANCHORS = path.join(SHARED, 'anchors');
const TIME = '/usr/bin/time';

// ------------------------------------------------------------------ options
function parseOptions(argv) {
  const options = { sizes: [1000, 10000, 50000], runs: 3, naive: true, floor: true, profile: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (v === undefined) fail(`missing value for ${arg}`);
      return v;
    };
    if (arg === '--sizes' || arg.startsWith('--sizes=')) options.sizes = value().split(',').map((s) => parseCount(s, arg));
    else if (arg === '--runs' || arg.startsWith('--runs=')) options.runs = parseCount(value(), arg);
    else if (arg === '--no-naive') options.naive = false;
    else if (arg === '--no-floor') options.floor = false;
    else if (arg === '--profile') options.profile = true;
    else if (arg === '-h' || arg === '--help') {
      process.stdout.write('usage: node bench/run.mjs [--sizes 1000,10000,50000] [--runs 3] [--no-naive] [--no-floor] [--profile]\n');
      process.exit(0);
    } else fail(`unknown argument ${arg}`);
  }
  if (options.runs < 1) fail('--runs must be at least 1');
  return options;
}

function parseCount(text, flag) {
  const n = Number(text.replace(/[_,]/g, '').replace(/k$/i, '000'));
  if (!Number.isInteger(n) || n < 1) fail(`${flag}: not a positive whole number: ${text}`);
  return n;
}

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

const log = (message) => process.stderr.write(`${message}\n`);

// ------------------------------------------------------------------ setup
/** The corpus for N posts, generated once (a marker file records a complete generation). */
function corpus(n) {
  const dir = path.join(BENCH, `corpus-${n}`);
  const marker = `${dir}.json`;
  if (existsSync(marker) && existsSync(dir)) return { dir, summary: JSON.parse(readFileSync(marker, 'utf8')) };
  log(`bench: generating ${n} posts into ${path.relative(ROOT, dir)} …`);
  rmSync(dir, { recursive: true, force: true });
  const made = spawnSync(process.execPath, [MAKE_CORPUS, '--count', String(n), '--out', dir, '--seed', '1'], { encoding: 'utf8' });
  if (made.status !== 0) fail(`make-corpus failed: ${made.stderr}`);
  const summary = JSON.parse(made.stdout.trim().split('\n').pop());
  writeFileSync(marker, JSON.stringify(summary));
  return { dir, summary };
}

function writeConfig() {
  const file = path.join(BENCH, 'postfeed.config.json');
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
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  return file;
}

/** Installs the naive script's dependencies in .bench/naive; undefined (with a message) if that fails. */
function naiveScript() {
  const dir = path.join(BENCH, 'naive');
  const script = path.join(dir, 'naive-feed.mjs');
  mkdirSync(dir, { recursive: true });
  copyFileSync(path.join(ANCHORS, 'naive-feed.mjs'), script);
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

// ------------------------------------------------------------------ measuring
const haveTime = existsSync(TIME) && spawnSync(TIME, ['-f', '%M', 'true'], { encoding: 'utf8' }).status === 0;

/** Runs one process to completion: { seconds, peakMiB, code, stderr }. */
function measure(command, args, { cwd = BENCH, env = process.env } = {}) {
  return new Promise((resolve) => {
    const rssFile = path.join(BENCH, `rss-${process.pid}.txt`);
    const [file, argv] = haveTime ? [TIME, ['-f', '%M', '-o', rssFile, command, ...args]] : [command, args];
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
      if (haveTime) {
        kib = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
        rmSync(rssFile, { force: true });
      }
      resolve({ seconds, peakMiB: kib / 1024, code, stderr });
    });
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function folderBytes(dir) {
  return readdirSync(dir).reduce((sum, name) => sum + statSync(path.join(dir, name)).size, 0);
}

// ------------------------------------------------------------------ profile
/** Self time by function and by package from a .cpuprofile. */
function summarizeProfile(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  const deltas = profile.timeDeltas ?? [];
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (deltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map();
  const byPackage = new Map();
  for (const [id, micros] of self) {
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
  const top = (map, count) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, micros]) => `  ${((100 * micros) / total).toFixed(1).padStart(5)}%  ${(micros / 1e6).toFixed(2).padStart(6)} s  ${name}`)
      .join('\n');
  return `self time by package:\n${top(byPackage, 10)}\nself time by function:\n${top(byFunction, 20)}`;
}

// ------------------------------------------------------------------ main
const options = parseOptions(process.argv.slice(2));
if (!existsSync(CLI)) fail(`${path.relative(ROOT, CLI)} is missing: run npm run compile (npm run bench does)`);
mkdirSync(BENCH, { recursive: true });
const configFile = writeConfig();
const naive = options.naive ? naiveScript() : undefined;
if (!options.naive) log('bench: naive script skipped (--no-naive)');
log(`bench: peak RSS from ${haveTime ? '/usr/bin/time' : '/proc/PID/status VmHWM polling'}; node ${process.version}; ${options.runs} run(s) per system and size`);

const env = { ...process.env, POSTFEED_BASE_URL: '', SOURCE_DATE_EPOCH: '' };
const rows = [];
for (const n of options.sizes) {
  const { dir: posts, summary } = corpus(n);
  const outRoot = path.join(BENCH, `out-${n}`);
  const out = (name) => {
    const dir = path.join(outRoot, name);
    rmSync(dir, { recursive: true, force: true });
    return dir;
  };
  let postfeedBytes = 0;
  const systems = [
    {
      name: 'postfeed, all items',
      postfeed: true,
      run: () => measure(process.execPath, [CLI, 'build', '--config', configFile, '--posts', posts, '--out', out('postfeed-all'), '--limit', '0', '--quiet'], { env }),
      after: () => {
        postfeedBytes = folderBytes(path.join(outRoot, 'postfeed-all'));
        return postfeedBytes;
      },
    },
    ...(options.floor
      ? [
          {
            name: 'node floor (read all, write same bytes)',
            run: () => {
              mkdirSync(out('floor'), { recursive: true });
              return measure(process.execPath, [path.join(ANCHORS, 'floor-read-write.mjs'), posts, path.join(outRoot, 'floor', 'out.bin'), String(postfeedBytes)]);
            },
            after: () => folderBytes(path.join(outRoot, 'floor')),
          },
        ]
      : []),
    ...(naive
      ? [
          {
            name: 'naive script (3 formats, all items)',
            naive: true,
            run: () => measure(process.execPath, [naive, posts, out('naive')]),
            after: () => folderBytes(path.join(outRoot, 'naive')),
          },
        ]
      : []),
    {
      name: 'postfeed, default limit 20',
      run: () => measure(process.execPath, [CLI, 'build', '--config', configFile, '--posts', posts, '--out', out('postfeed-20'), '--quiet'], { env }),
      after: () => folderBytes(path.join(outRoot, 'postfeed-20')),
    },
  ];
  const results = new Map(systems.map((system) => [system.name, []]));
  const bytes = new Map();
  for (let round = 1; round <= options.runs; round++) {
    for (const system of systems) {
      log(`bench: N=${n} round ${round}/${options.runs}: ${system.name} …`);
      const result = await system.run();
      if (result.code !== 0) {
        fail(`${system.name} at N=${n} exited ${result.code}:\n${result.stderr.split('\n').filter((l) => !l.includes(': warning: ')).slice(-15).join('\n')}`);
      }
      results.get(system.name).push(result);
      bytes.set(system.name, system.after());
      log(`bench:   ${result.seconds.toFixed(2)} s, ${result.peakMiB.toFixed(0)} MiB`);
    }
  }
  // Sanity: the all-items feed carries exactly the corpus's published posts.
  const items = JSON.parse(readFileSync(path.join(outRoot, 'postfeed-all', 'feed.json'), 'utf8')).items.length;
  if (items !== summary.published) log(`bench: WARNING: postfeed's feed.json has ${items} items, the corpus has ${summary.published} published posts`);
  const naiveMedian = naive ? median(results.get(systems.find((s) => s.naive).name).map((r) => r.seconds)) : undefined;
  for (const system of systems) {
    const runs = results.get(system.name);
    const seconds = median(runs.map((r) => r.seconds));
    rows.push({
      system: system.name,
      n,
      seconds,
      spread: `${Math.min(...runs.map((r) => r.seconds)).toFixed(2)}–${Math.max(...runs.map((r) => r.seconds)).toFixed(2)}`,
      peak: Math.max(...runs.map((r) => r.peakMiB)),
      output: bytes.get(system.name) / 1e6,
      ratio: naiveMedian ? seconds / naiveMedian : undefined,
    });
  }

  if (options.profile) {
    const profDir = path.join(BENCH, 'prof');
    rmSync(profDir, { recursive: true, force: true });
    log(`bench: profiling postfeed (all items) at N=${n} …`);
    const result = await measure(
      process.execPath,
      ['--cpu-prof', '--cpu-prof-dir', profDir, CLI, 'build', '--config', configFile, '--posts', posts, '--out', out('postfeed-prof'), '--limit', '0', '--quiet'],
      { env },
    );
    const file = readdirSync(profDir).find((name) => name.endsWith('.cpuprofile'));
    if (result.code !== 0 || !file) log(`bench: profiling failed (exit ${result.code})`);
    else process.stdout.write(`\nCPU profile, postfeed all items, N=${n} (${path.relative(ROOT, path.join(profDir, file))}):\n${summarizeProfile(path.join(profDir, file))}\n`);
  }
  rmSync(outRoot, { recursive: true, force: true });
}

// ------------------------------------------------------------------ report
const header = ['system', 'N', 'median s', 'min–max s', 'peak MiB', 'output MB', '÷ naive'];
const table = rows.map((row) => [
  row.system,
  row.n.toLocaleString('en-US'),
  row.seconds.toFixed(2),
  row.spread,
  row.peak.toFixed(0),
  row.output.toFixed(1),
  row.ratio === undefined ? '–' : row.ratio.toFixed(2),
]);
const widths = header.map((title, i) => Math.max(title.length, ...table.map((cells) => cells[i].length)));
const line = (cells) => `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`;
process.stdout.write(
  `\n${line(header)}\n|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 2)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|\n${table.map(line).join('\n')}\n` +
    `\nmedian of ${options.runs} whole-process run(s), alternated per round; peak = max RSS over the runs; ` +
    `node floor writes one file as large as postfeed's three feeds together.\n`,
);
