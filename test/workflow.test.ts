// The publishing workflow and the composite action: their YAML keeps a failed check from being
// deployed, every command in them is one this file knows, and every postfeed command in them runs
// here the way a runner would run it (bash, the step's env, inputs and variables filled in).
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_CACHE_DIR, type ConfigInput } from '../src/index.js';
import { CLI, hasCommand, type CliRun, makeProject, ROOT, tempDir } from './helpers.js';

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
  'working-directory'?: string;
  'continue-on-error'?: unknown;
}

interface Job {
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string>;
  environment?: string | { name: string; url?: string };
  steps: Step[];
  'continue-on-error'?: unknown;
}

interface Workflow {
  on: Record<string, { branches?: string[] } | null>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

interface Action {
  inputs: Record<string, { required?: boolean; default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const WORKFLOW_FILE = '.github/workflows/publish-feeds.yml';
const ACTION_FILE = 'action.yml';
const readYaml = (file: string): unknown => parse(readFileSync(path.join(ROOT, file), 'utf8'));

/** Every line a `run:` may hold besides a postfeed command; a new one is added here, knowingly. */
const KNOWN_LINES = new Set([
  'npm ci',
  'npm test',
  'if [ -n "$(git status --porcelain postfeed.lock.json)" ]; then',
  "git config user.name 'github-actions[bot]'",
  "git config user.email '41898282+github-actions[bot]@users.noreply.github.com'",
  'git add postfeed.lock.json',
  "git commit -m 'postfeed: record new ids in postfeed.lock.json'",
  'git push',
  'fi',
  'echo "report=$RUNNER_TEMP/postfeed-check.md" >> "$GITHUB_OUTPUT"',
]);
const POSTFEED_LINE = /^npx postfeed (build|check)( |$)/;
/** A condition that lets a step or job run after an earlier failure. */
const RUNS_AFTER_FAILURE = /always\(\)|failure\(\)|cancelled\(\)/;
const SKIPS_PULL_REQUESTS = "github.event_name != 'pull_request'";

const isCheck = (step: Step) => /\bnpx postfeed check\b/.test(step.run ?? '');
const isBuild = (step: Step) => /\bnpx postfeed build\b/.test(step.run ?? '');
const usesAction = (name: string) => (step: Step) => step.uses?.startsWith(`${name}@`) === true;

/** Lines of every `run:` that are neither a postfeed command nor known, and `${{ }}` inside scripts. */
function runProblems(steps: Step[]): string[] {
  const problems: string[] = [];
  for (const step of steps) {
    if (step.run === undefined) continue;
    // Expressions are expanded before the shell sees them: a value with a quote would become code.
    if (step.run.includes('${{')) problems.push(`run "${step.name ?? step.run}": pass values through env, not \${{ }}`);
    for (const line of step.run.split('\n').map((text) => text.trim())) {
      if (line !== '' && !KNOWN_LINES.has(line) && !POSTFEED_LINE.test(line)) problems.push(`unknown command: ${line}`);
    }
  }
  return problems;
}

/** What would let a failed check reach GitHub Pages, a pull request publish, or a step run unknown code. */
function workflowProblems(workflow: Workflow): string[] {
  const problems: string[] = [];
  const push = workflow.on.push;
  if (!push?.branches?.includes('main')) problems.push('not run on a push to main');
  if (!('workflow_dispatch' in workflow.on)) problems.push('cannot be run by hand (workflow_dispatch)');
  if (workflow.permissions?.contents !== 'read' || Object.keys(workflow.permissions).length !== 1) problems.push('default permissions are not contents: read alone');

  const jobs = Object.entries(workflow.jobs);
  const checkJobs = jobs.filter(([, job]) => job.steps.some(isCheck));
  if (checkJobs.length !== 1) return [...problems, `${checkJobs.length} jobs run postfeed check, not 1`];
  const [checkJobName, checkJob] = checkJobs[0]!;
  const steps = checkJob.steps;
  const index = (test: (step: Step) => boolean) => steps.findIndex(test);
  const order = [
    ['checkout', index(usesAction('actions/checkout'))],
    ['setup-node', index(usesAction('actions/setup-node'))],
    ['npm ci', index((step) => step.run === 'npm ci')],
    // After npm ci, which empties node_modules, and before the build that reads it.
    ['post cache', index(usesAction('actions/cache'))],
    ['npm test', index((step) => step.run === 'npm test')],
    ['postfeed build', index(isBuild)],
    ['postfeed check', index(isCheck)],
  ] as const;
  for (const [name, at] of order) if (at < 0) problems.push(`${checkJobName}: no ${name} step`);
  for (let i = 1; i < order.length; i++) {
    if (order[i - 1]![1] > order[i]![1]) problems.push(`${checkJobName}: ${order[i - 1]![0]} runs after ${order[i]![0]}`);
  }
  const setupNode = steps[order[1][1]]?.with;
  if (String(setupNode?.['node-version']) !== '20' || setupNode?.cache !== 'npm') problems.push('setup-node: not Node 20 with the npm cache');

  const cache = steps[order[3][1]]?.with;
  if (cache && (cache.path !== DEFAULT_CACHE_DIR || !String(cache.key).includes('${{ github.sha }}') || !cache['restore-keys'])) {
    problems.push(`post cache: not ${DEFAULT_CACHE_DIR}, saved per commit and restored from the newest`);
  }

  const checkAt = order[6][1];
  const check = steps[checkAt]!;
  if (!/--format markdown\b/.test(check.run!)) problems.push('postfeed check: no --format markdown');
  if (check.if !== undefined) problems.push('postfeed check: has an if, so it can be skipped');
  if (check['continue-on-error'] !== undefined || checkJob['continue-on-error'] !== undefined) problems.push('postfeed check: continue-on-error lets a failure through');
  for (const later of steps.slice(checkAt + 1)) {
    if (RUNS_AFTER_FAILURE.test(later.if ?? '')) problems.push(`${later.name ?? later.uses}: runs after a failed check`);
  }
  const uploadAt = index(usesAction('actions/upload-pages-artifact'));
  if (uploadAt < checkAt) problems.push('upload-pages-artifact: not after postfeed check in its job');
  else if (!['dist', 'dist/'].includes(String(steps[uploadAt]!.with?.path))) problems.push('upload-pages-artifact: does not upload dist/');
  const ledgerAt = index((step) => step.run?.includes('git status --porcelain postfeed.lock.json') === true);
  if (ledgerAt < checkAt) problems.push('ledger commit: missing, or before postfeed check');
  else if (steps[ledgerAt]!.if !== SKIPS_PULL_REQUESTS) problems.push('ledger commit: not skipped on pull requests');
  if (checkJob.permissions?.contents !== 'write') problems.push(`${checkJobName}: no contents: write to push the ledger`);
  if (checkJob.permissions?.pages || checkJob.permissions?.['id-token']) problems.push(`${checkJobName}: holds the deploy's permissions`);

  const deployJobs = jobs.filter(([, job]) => job.steps.some(usesAction('actions/deploy-pages')));
  if (deployJobs.length !== 1) return [...problems, `${deployJobs.length} jobs deploy to Pages, not 1`];
  const [deployName, deploy] = deployJobs[0]!;
  if (![deploy.needs ?? []].flat().includes(checkJobName)) problems.push(`${deployName}: does not need ${checkJobName}, so it does not wait for the check`);
  if (deploy.if !== SKIPS_PULL_REQUESTS) problems.push(`${deployName}: its if is not "${SKIPS_PULL_REQUESTS}" (and must not run after a failure)`);
  if (deploy.permissions?.pages !== 'write' || deploy.permissions?.['id-token'] !== 'write') problems.push(`${deployName}: needs pages: write and id-token: write`);
  const environment = typeof deploy.environment === 'string' ? deploy.environment : deploy.environment?.name;
  if (environment !== 'github-pages') problems.push(`${deployName}: not in the github-pages environment`);

  return [...problems, ...runProblems(jobs.flatMap(([, job]) => job.steps))];
}

function actionProblems(action: Action): string[] {
  const problems: string[] = [];
  if (action.runs.using !== 'composite') problems.push('not a composite action');
  const { inputs } = action;
  if (inputs['published-url']?.required !== false || inputs['published-url']?.default !== '') problems.push('published-url: not optional with an empty default');
  if (inputs.config?.default !== 'postfeed.config.json') problems.push('config: default is not postfeed.config.json');
  if (inputs['working-directory']?.default !== '.') problems.push('working-directory: default is not .');
  const steps = action.runs.steps;
  for (const step of steps) {
    // A composite run step must name its shell; bash gives pipefail, so a pipe keeps the exit status.
    if (step.run !== undefined && step.shell !== 'bash') problems.push(`${step.name}: shell is not bash`);
    if (step.run !== undefined && step['working-directory'] !== '${{ inputs.working-directory }}') problems.push(`${step.name}: ignores working-directory`);
    if (step['continue-on-error'] !== undefined || RUNS_AFTER_FAILURE.test(step.if ?? '')) problems.push(`${step.name}: lets a failure through`);
  }
  const buildAt = steps.findIndex(isBuild);
  const checkAt = steps.findIndex(isCheck);
  if (buildAt < 0 || checkAt < buildAt) problems.push('not postfeed build, then postfeed check');
  else {
    for (const step of [steps[buildAt]!, steps[checkAt]!]) {
      if (!/--config "\$\w+"/.test(step.run!) || !Object.values(step.env ?? {}).includes('${{ inputs.config }}')) problems.push(`${step.name}: does not pass the config input`);
    }
    const check = steps[checkAt]!;
    if (!Object.values(check.env ?? {}).includes('${{ inputs.published-url }}')) problems.push('postfeed check: does not get published-url');
    if (action.outputs.report?.value !== `\${{ steps.${check.id}.outputs.report }}`) problems.push('report: not the check step\'s output');
  }
  return [...problems, ...runProblems(steps)];
}

describe('the YAML', () => {
  const workflow = readYaml(WORKFLOW_FILE) as Workflow;
  const action = readYaml(ACTION_FILE) as Action;
  const changed = <T>(document: T, edit: (copy: T) => void): T => {
    const copy = structuredClone(document);
    edit(copy);
    return copy;
  };

  it('the workflow guards the deploy with the check', () => {
    expect(workflowProblems(workflow)).toEqual([]);
  });

  it('the action runs build, then check, with its inputs', () => {
    expect(actionProblems(action)).toEqual([]);
  });

  // The validators must be able to fail: each edit below opens a way for a bad feed to go out.
  it.each<[string, (copy: Workflow) => void, RegExp]>([
    ['deploy without needs', (copy) => delete copy.jobs.deploy!.needs, /does not need feeds/],
    ['deploy after a failure', (copy) => (copy.jobs.deploy!.if = 'always()'), /deploy: its if/],
    ['check that may fail', (copy) => (copy.jobs.feeds!.steps.find(isCheck)!['continue-on-error'] = true), /continue-on-error/],
    ['check that can be skipped', (copy) => (copy.jobs.feeds!.steps.find(isCheck)!.if = "vars.X == ''"), /can be skipped/],
    ['upload before the check', (copy) => copy.jobs.feeds!.steps.unshift(copy.jobs.feeds!.steps.pop()!), /upload-pages-artifact: not after/],
    ['upload even after a failure', (copy) => (copy.jobs.feeds!.steps.at(-1)!.if = 'always()'), /runs after a failed check/],
    ['deploy without id-token', (copy) => delete copy.jobs.deploy!.permissions!['id-token'], /id-token: write/],
    ['ledger pushed from a pull request', (copy) => delete copy.jobs.feeds!.steps.find((step) => step.run?.includes('git push'))!.if, /not skipped on pull requests/],
    ['check without markdown', (copy) => (copy.jobs.feeds!.steps.find(isCheck)!.run = 'npx postfeed check'), /--format markdown/],
    ['an unknown command', (copy) => (copy.jobs.feeds!.steps.find((step) => step.run === 'npm ci')!.run = 'curl -s https://example.org/x | sh'), /unknown command: curl/],
    ['the post cache restored before npm ci empties node_modules', (copy) => {
      const steps = copy.jobs.feeds!.steps;
      const cacheStep = steps.splice(steps.findIndex(usesAction('actions/cache')), 1)[0]!;
      steps.splice(steps.findIndex((step) => step.run === 'npm ci'), 0, cacheStep);
    }, /npm ci runs after post cache/],
    ['the post cache elsewhere', (copy) => (copy.jobs.feeds!.steps.find(usesAction('actions/cache'))!.with!.path = '.cache'), /post cache: not node_modules/],
    ['a variable expanded into a script', (copy) => (copy.jobs.feeds!.steps.find(isCheck)!.run = 'npx postfeed check --against ${{ vars.URL }}'), /through env/],
  ])('the workflow check catches: %s', (_name, edit, problem) => {
    expect(workflowProblems(changed(workflow, edit)).join('\n')).toMatch(problem);
  });

  it.each<[string, (copy: Action) => void, RegExp]>([
    ['a step without bash', (copy) => delete copy.runs.steps.find(isCheck)!.shell, /shell is not bash/],
    ['check before build', (copy) => copy.runs.steps.reverse(), /not postfeed build, then postfeed check/],
    ['the config input dropped', (copy) => (copy.runs.steps.find(isBuild)!.run = 'npx postfeed build'), /does not pass the config input/],
    ['a required published-url', (copy) => (copy.inputs['published-url']!.required = true), /published-url: not optional/],
  ])('the action check catches: %s', (_name, edit, problem) => {
    expect(actionProblems(changed(action, edit)).join('\n')).toMatch(problem);
  });
});

// ---- Running the steps -----------------------------------------------------------------------

/** The project's own site, as a user's site: the TASS article and the root config. */
function tassProject(): string {
  const config = JSON.parse(readFileSync(path.join(ROOT, 'postfeed.config.json'), 'utf8')) as ConfigInput;
  const article = '2023-07-01-russia-to-continue-assisting-mali.md';
  return makeProject({ [article]: readFileSync(path.join(ROOT, 'posts', article)) }, config);
}

/** Gives the project's one post another id: the change the check exists to stop. */
/**
 * An id change the build cannot see: the post gets an `id:` and the ledger that would have refused
 * it was never committed (deleted here). The check against the published feed is the last guard.
 */
function changeTheId(project: string): void {
  rmSync(path.join(project, 'postfeed.lock.json'), { force: true });
  const file = path.join(project, 'posts', '2023-07-01-russia-to-continue-assisting-mali.md');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^date:/m, 'id: tag:postfeed.example.org,2023:mali\ndate:'));
}

interface Runner {
  /** Runs a step's script with bash as the runner would, expressions replaced from `context`. */
  run(step: Step, options: { cwd: string; context: Record<string, string> }): CliRun;
  /** The postfeed commands run so far, as argument lists; cleared by each call. */
  takeInvocations(): string[][];
  summaryFile: string;
  outputFile: string;
  runnerTemp: string;
}

/** `${{ vars.X }}` and `${{ inputs.x }}` from the context; any other expression is a test to write. */
function expand(value: string, context: Record<string, string>): string {
  return value.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_match, name: string) => {
    if (!(name in context)) throw new Error(`no test value for \${{ ${name} }}`);
    return context[name]!;
  });
}

/** An `npx` first on PATH that runs this checkout's compiled CLI for `postfeed` and logs each call. */
function makeRunner(): Runner {
  const dir = tempDir('postfeed-runner-');
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  const log = path.join(dir, 'npx.log');
  writeFileSync(
    path.join(bin, 'npx'),
    [
      '#!/bin/sh',
      'if [ "$1" != postfeed ]; then echo "npx: only postfeed here, not $1" >&2; exit 127; fi',
      'shift',
      `for arg in "$@"; do printf '%s\\t' "$arg"; done >> '${log}'`,
      `echo >> '${log}'`,
      `exec '${process.execPath}' '${CLI}' "$@"`,
    ].join('\n'),
  );
  chmodSync(path.join(bin, 'npx'), 0o755);
  const runner: Runner = {
    summaryFile: path.join(dir, 'step-summary.md'),
    outputFile: path.join(dir, 'github-output'),
    runnerTemp: path.join(dir, 'runner-temp'),
    run(step, { cwd, context }) {
      const script = path.join(dir, 'step.sh');
      writeFileSync(script, expand(step.run!, context));
      const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([name, value]) => [name, expand(value, context)]));
      const workingDirectory = step['working-directory'] ? path.resolve(cwd, expand(step['working-directory'], context)) : cwd;
      // A workflow's run step without a shell gets `bash -e {0}`; `shell: bash` adds pipefail.
      const flags = step.shell === 'bash' ? ['-eo', 'pipefail'] : ['-e'];
      const result = spawnSync('bash', ['--noprofile', '--norc', ...flags, script], {
        cwd: workingDirectory,
        encoding: 'utf8',
        env: {
          ...process.env,
          PATH: `${bin}${path.delimiter}${process.env.PATH}`,
          POSTFEED_BASE_URL: '',
          SOURCE_DATE_EPOCH: '',
          GITHUB_STEP_SUMMARY: runner.summaryFile,
          GITHUB_OUTPUT: runner.outputFile,
          RUNNER_TEMP: runner.runnerTemp,
          ...env,
        },
      });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    },
    takeInvocations() {
      let text = '';
      try {
        text = readFileSync(log, 'utf8');
      } catch {
        return [];
      }
      writeFileSync(log, '');
      return text.split('\n').filter(Boolean).map((line) => line.split('\t').slice(0, -1));
    },
  };
  mkdirSync(runner.runnerTemp);
  writeFileSync(runner.summaryFile, '');
  writeFileSync(runner.outputFile, '');
  return runner;
}

describe('the workflow, run', () => {
  const workflow = readYaml(WORKFLOW_FILE) as Workflow;
  const postfeedSteps = workflow.jobs.feeds!.steps.filter((step) => step.run?.includes('npx postfeed'));
  let runner: Runner;
  beforeAll(() => {
    runner = makeRunner();
  });

  /** Runs the workflow's postfeed steps in order, stopping at the first that fails, as a job does. */
  function runFeedsJob(cwd: string, publishedUrl: string): CliRun[] {
    writeFileSync(runner.summaryFile, '');
    const runs: CliRun[] = [];
    for (const step of postfeedSteps) {
      runs.push(runner.run(step, { cwd, context: { 'vars.POSTFEED_PUBLISHED_URL': publishedUrl } }));
      if (runs.at(-1)!.status !== 0) break;
    }
    return runs;
  }

  it('runs postfeed build and postfeed check, nothing else of postfeed', () => {
    expect(postfeedSteps.map((step) => step.run!.split(' ').slice(0, 3).join(' '))).toEqual(['npx postfeed build', 'npx postfeed check']);
  });

  it('first publish (no variable): builds, lints without --against, passes, and fills the step summary', () => {
    const project = tassProject();
    const runs = runFeedsJob(project, '');
    expect(runs.map((run) => [run.status, run.stderr])).toEqual([[0, ''], [0, '']]);
    expect(runner.takeInvocations()).toEqual([['build'], ['check', '--format', 'markdown']]);
    const summary = readFileSync(runner.summaryFile, 'utf8');
    expect(summary).toMatch(/^## postfeed check\n\n\*\*✅ passed\*\*/);
    expect(summary).toContain('| dist/atom.xml | 1 |');
    expect(summary).not.toContain(' against ');
  });

  it('later publishes: compared with the published feed (a path with a space stays one argument) and passes', () => {
    const project = tassProject();
    expect(runFeedsJob(project, '').map((run) => run.status)).toEqual([0, 0]);
    mkdirSync(path.join(project, 'published feeds'));
    copyFileSync(path.join(project, 'dist', 'atom.xml'), path.join(project, 'published feeds', 'atom.xml'));
    runner.takeInvocations();

    const runs = runFeedsJob(project, 'published feeds/atom.xml');
    expect(runs.map((run) => [run.status, run.stderr])).toEqual([[0, ''], [0, '']]);
    expect(runner.takeInvocations()).toEqual([['build'], ['check', '--against', 'published feeds/atom.xml', '--format', 'markdown']]);
    const summary = readFileSync(runner.summaryFile, 'utf8');
    expect(summary).toContain('### dist/atom.xml against published feeds/atom.xml');
    expect(summary).toContain('0 added, 0 changed, 0 removed, 0 pushed out by the limit, 0 ids changed, 1 unchanged');
  });

  it('an id change fails the check step, which stops the job before the upload and the deploy', () => {
    const project = tassProject();
    runFeedsJob(project, '');
    mkdirSync(path.join(project, 'published'));
    copyFileSync(path.join(project, 'dist', 'atom.xml'), path.join(project, 'published', 'atom.xml'));
    changeTheId(project);

    const runs = runFeedsJob(project, 'published/atom.xml');
    expect(runs.map((run) => run.status)).toEqual([0, 1]);
    const summary = readFileSync(runner.summaryFile, 'utf8');
    expect(summary).toContain('**❌ failed**');
    expect(summary).toContain('| error | id-changed | dist/atom.xml |');
  });

  it('a published feed that cannot be read fails the check: why the variable stays unset until the first deploy', () => {
    const project = tassProject();
    const runs = runFeedsJob(project, 'not-published-yet/atom.xml');
    expect(runs.map((run) => run.status)).toEqual([0, 1]);
    expect(readFileSync(runner.summaryFile, 'utf8')).toContain('published-unreadable');
  });
});

describe('the action, run', () => {
  const action = readYaml(ACTION_FILE) as Action;
  let runner: Runner;
  beforeAll(() => {
    runner = makeRunner();
  });

  /** A workspace with the site in `site/` and its config under a name of its own. */
  function workspace(): string {
    const root = tempDir();
    renameSync(tassProject(), path.join(root, 'site'));
    renameSync(path.join(root, 'site', 'postfeed.config.json'), path.join(root, 'site', 'feeds.config.json'));
    return root;
  }

  function runAction(cwd: string, publishedUrl: string): CliRun[] {
    for (const file of [runner.summaryFile, runner.outputFile]) writeFileSync(file, '');
    const context = { 'inputs.published-url': publishedUrl, 'inputs.config': 'feeds.config.json', 'inputs.working-directory': 'site' };
    const runs: CliRun[] = [];
    for (const step of action.runs.steps) {
      runs.push(runner.run(step, { cwd, context }));
      if (runs.at(-1)!.status !== 0) break;
    }
    return runs;
  }

  const reportPath = () => readFileSync(runner.outputFile, 'utf8').match(/^report=(.*)$/m)?.[1];

  it('without published-url: build and check with the config in working-directory; the report is an output and in the summary', () => {
    const cwd = workspace();
    const runs = runAction(cwd, '');
    expect(runs.map((run) => [run.status, run.stderr])).toEqual([[0, ''], [0, '']]);
    expect(runner.takeInvocations()).toEqual([
      ['build', '--config', 'feeds.config.json'],
      ['check', '--config', 'feeds.config.json', '--format', 'markdown'],
    ]);
    expect(reportPath()).toBe(path.join(runner.runnerTemp, 'postfeed-check.md'));
    const report = readFileSync(reportPath()!, 'utf8');
    expect(report).toMatch(/^## postfeed check\n\n\*\*✅ passed\*\*/);
    expect(runs[1]!.stdout).toBe(report);
    expect(readFileSync(runner.summaryFile, 'utf8')).toBe(report);
  });

  it('with published-url (a folder, as a CI artifact): compares all three formats and passes', () => {
    const cwd = workspace();
    runAction(cwd, '');
    const published = path.join(cwd, 'site', 'published');
    mkdirSync(published);
    for (const name of ['rss.xml', 'atom.xml', 'feed.json']) copyFileSync(path.join(cwd, 'site', 'dist', name), path.join(published, name));
    runner.takeInvocations();

    expect(runAction(cwd, 'published').map((run) => run.status)).toEqual([0, 0]);
    expect(runner.takeInvocations()[1]).toEqual(['check', '--config', 'feeds.config.json', '--against', 'published', '--format', 'markdown']);
    expect(readFileSync(runner.summaryFile, 'utf8').match(/^### .* against .*$/gm)).toEqual([
      '### dist/rss.xml against published/rss.xml',
      '### dist/atom.xml against published/atom.xml',
      '### dist/feed.json against published/feed.json',
    ]);
  });

  it('a failed check fails the step through the pipe into tee, and the report is still there for a comment', () => {
    const cwd = workspace();
    runAction(cwd, '');
    mkdirSync(path.join(cwd, 'site', 'published'));
    copyFileSync(path.join(cwd, 'site', 'dist', 'atom.xml'), path.join(cwd, 'site', 'published', 'atom.xml'));
    changeTheId(path.join(cwd, 'site'));

    expect(runAction(cwd, 'published/atom.xml').map((run) => run.status)).toEqual([0, 1]);
    expect(readFileSync(reportPath()!, 'utf8')).toContain('| error | id-changed | dist/atom.xml |');
  });
});

describe.skipIf(!hasCommand('git'))('the ledger commit, run in a git repository', () => {
  const workflow = readYaml(WORKFLOW_FILE) as Workflow;
  const ledgerStep = workflow.jobs.feeds!.steps.find((step) => step.run?.includes('postfeed.lock.json'))!;

  it('commits and pushes postfeed.lock.json alone, and only when it is new or changed', () => {
    const dir = tempDir();
    const [remote, clone, home] = ['remote.git', 'clone', 'home'].map((name) => path.join(dir, name)) as [string, string, string];
    mkdirSync(home);
    // Nobody's own git config (signing, hooks) takes part.
    const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: home, GIT_CONFIG_NOSYSTEM: '1' };
    const git = (cwd: string, ...args: string[]) => {
      const result = spawnSync('git', args, { cwd, env, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
      return result.stdout.trim();
    };
    const runLedgerStep = () => spawnSync('bash', ['--noprofile', '--norc', '-e', '-c', ledgerStep.run!], { cwd: clone, env, encoding: 'utf8' }).status;
    const commits = () => Number(git(clone, 'rev-list', '--count', 'HEAD'));

    git(dir, 'init', '--quiet', '--bare', '--initial-branch=main', remote);
    git(dir, 'init', '--quiet', '--initial-branch=main', clone);
    writeFileSync(path.join(clone, 'README.md'), 'site\n');
    git(clone, 'add', 'README.md');
    git(clone, '-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '--quiet', '-m', 'start');
    git(clone, 'remote', 'add', 'origin', remote);
    git(clone, 'push', '--quiet', '--set-upstream', 'origin', 'main');

    expect(runLedgerStep()).toBe(0);
    expect(commits()).toBe(1);

    // The first build writes the ledger (untracked); another file changed in the run stays out.
    writeFileSync(path.join(clone, 'postfeed.lock.json'), '{"posts/a.md": "https://example.org/a/"}\n');
    appendFileSync(path.join(clone, 'README.md'), 'changed by the run\n');
    expect(runLedgerStep()).toBe(0);
    expect(commits()).toBe(2);
    expect(git(clone, 'show', '--name-only', '--format=%an <%ae>', 'HEAD').split('\n')).toEqual([
      'github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>',
      '',
      'postfeed.lock.json',
    ]);
    expect(git(remote, 'rev-parse', 'main')).toBe(git(clone, 'rev-parse', 'HEAD'));

    expect(runLedgerStep()).toBe(0);
    expect(commits()).toBe(2);

    appendFileSync(path.join(clone, 'postfeed.lock.json'), '{"posts/b.md": "https://example.org/b/"}\n');
    expect(runLedgerStep()).toBe(0);
    expect(commits()).toBe(3);
    expect(git(remote, 'rev-parse', 'main')).toBe(git(clone, 'rev-parse', 'HEAD'));
  });
});
