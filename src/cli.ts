#!/usr/bin/env node
// The command line: flags → build() → diagnostics or writeOutput(). No logic of its own.
import { readFileSync } from 'node:fs';
import module from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatDiagnostics, summarizeDiagnostics } from './diagnostics/format.js';
import { OutputError, requestInterrupt, WriteInterrupted, writeOutput } from './write.js';

// Node ≥ 22.1 can cache compiled modules across runs: a CLI run in CI starts noticeably faster.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

export const EXIT = {
  ok: 0,
  /** The input has errors (or warnings under --strict); nothing was written. */
  invalidInput: 1,
  /** Unknown command or flag. */
  usage: 2,
  /** The feeds could not be written (permissions, disk full, output path is a file). */
  outputFailed: 3,
  /** An unexpected failure inside postfeed: please report it. */
  internal: 4,
  interrupted: 130,
  terminated: 143,
} as const;

const HELP = `postfeed — RSS 2.0, Atom 1.0 and JSON Feed 1.1 from a folder of Markdown posts

Usage: postfeed [build] [options]

Options:
  --config <file>     config file (default: postfeed.config.json)
  --posts <dir>       posts folder (default: config "posts", else posts)
  --out <dir>         output folder (default: config "out", else dist)
  --base-url <url>    override baseUrl (also env POSTFEED_BASE_URL), e.g. for deploy previews
  --limit <n>         newest posts per feed; 0 = all (default: config "limit", else 20)
  --drafts            include posts with draft: true
  --future            include posts dated in the future (now = SOURCE_DATE_EPOCH if set)
  --strict            treat warnings as errors
  --quiet             print nothing on success
  -h, --help          show this help
  -v, --version       show the version

Exit codes: 0 written, 1 invalid input (nothing written), 2 usage error,
            3 cannot write output, 4 internal error, 130/143 interrupted`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string' },
        posts: { type: 'string' },
        out: { type: 'string' },
        'base-url': { type: 'string' },
        limit: { type: 'string' },
        drafts: { type: 'boolean' },
        future: { type: 'boolean' },
        strict: { type: 'boolean' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    process.stderr.write(`postfeed: ${(error as Error).message}\nRun postfeed --help for usage.\n`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return EXIT.ok;
  }
  if (values.version) {
    process.stdout.write(`${version()}\n`);
    return EXIT.ok;
  }
  const [command = 'build', ...extra] = positionals;
  if (command !== 'build' || extra.length > 0) {
    process.stderr.write(`postfeed: unknown command "${[command, ...extra].join(' ')}"\nRun postfeed --help for usage.\n`);
    return EXIT.usage;
  }
  let limit: number | undefined;
  if (values.limit !== undefined) {
    if (!/^\d+$/.test(values.limit)) {
      process.stderr.write(`postfeed: --limit must be a whole number (0 = all), found "${values.limit}"\n`);
      return EXIT.usage;
    }
    limit = Number(values.limit);
  }

  const started = performance.now();
  // Loaded only for a build, so --help and --version answer at once.
  const { build } = await import('./build.js');
  const result = await build({
    ...(values.config !== undefined ? { configFile: values.config } : {}),
    ...(values.posts !== undefined ? { posts: values.posts } : {}),
    ...(values.out !== undefined ? { out: values.out } : {}),
    ...((values['base-url'] ?? process.env.POSTFEED_BASE_URL) ? { baseUrl: values['base-url'] ?? process.env.POSTFEED_BASE_URL } : {}),
    ...(limit !== undefined ? { limit } : {}),
    drafts: values.drafts ?? false,
    future: values.future ?? false,
    strict: values.strict ?? false,
  });

  const lines = formatDiagnostics(result.diagnostics);
  if (lines.length > 0 && (!values.quiet || !result.ok)) process.stderr.write(`${lines.join('\n')}\n`);
  const outShown = path.relative(process.cwd(), result.outDir) || '.';
  if (!result.ok) {
    process.stderr.write(`postfeed: ${summarizeDiagnostics(result.diagnostics)}; nothing written, ${outShown}/ left as it was\n`);
    return EXIT.invalidInput;
  }

  const written = await writeOutput(result.outDir, result.files);
  // A signal during the commit lets it finish: the new feeds are complete, and the exit says so.
  if (interruptedWith !== undefined) return interruptedWith;
  if (!values.quiet) {
    for (const file of written) {
      const shown = path.relative(process.cwd(), file.path);
      process.stdout.write(`${shown}  ${file.items} items  ${file.bytes} bytes${file.changed ? '' : '  (unchanged)'}\n`);
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const warnings = result.diagnostics.length > 0 ? `, ${summarizeDiagnostics(result.diagnostics)}` : '';
    process.stdout.write(`postfeed: ${result.posts} posts, ${written.length} feeds in ${seconds}s${warnings}\n`);
  }
  return EXIT.ok;
}

/** Exit code of the signal that arrived, if one did. */
let interruptedWith: number | undefined;

function onSignal(signal: NodeJS.Signals, code: number): void {
  process.once(signal, () => {
    interruptedWith = code;
    // Nothing is being written: nothing to clean up. Otherwise the write stops at its next safe point.
    if (!requestInterrupt()) process.exit(code);
  });
}

onSignal('SIGINT', EXIT.interrupted);
onSignal('SIGTERM', EXIT.terminated);

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof WriteInterrupted) {
      process.stderr.write(`postfeed: ${error.message}\n`);
      process.exitCode = interruptedWith ?? EXIT.interrupted;
      return;
    }
    if (error instanceof OutputError) {
      process.stderr.write(`postfeed: ${error.message}; nothing was replaced\n`);
      process.exitCode = EXIT.outputFailed;
      return;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code && /^E[A-Z]+$/.test(code)) {
      process.stderr.write(`postfeed: cannot write the feeds: ${(error as Error).message}\n`);
      process.exitCode = EXIT.outputFailed;
      return;
    }
    process.stderr.write(`postfeed: internal error, please report it: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = EXIT.internal;
  },
);
