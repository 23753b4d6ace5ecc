// The command line: a thin shell over the library. The command table decides parsing and help;
// main() installs the signal handlers and maps outcomes to exit codes.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { escapeControls } from '../diagnostics/format.js';
import { OutputError, WriteInterrupted } from '../output/errors.js';
import { buildCommand } from './build.js';
import { checkCommand } from './check.js';
import { helpText, parseArgsOptions, type CommandSpec } from './commands.js';
import { initCommand } from './init.js';
import { ledgerCommand } from './ledger.js';
import { EXIT, UsageError, type Terminal } from './terminal.js';

const EXIT_CODES = `Exit codes: 0 written, 1 invalid input (nothing written), 2 usage error,
            3 cannot write output, 4 internal error, 130/143 interrupted;
            check: 0 passed, 1 an error found, 2 usage error;
            ledger import: 0 recorded, 1 cannot read the posts or the feed, 2 usage error, 3 cannot write`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function processTerminal(): Terminal {
  return {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
    interrupt: new AbortController(),
    writing: false,
  };
}

export async function main(argv: string[], terminal: Terminal = processTerminal()): Promise<number> {
  const commands: CommandSpec[] = [buildCommand(terminal), checkCommand(terminal), initCommand(terminal), ledgerCommand(terminal)];
  const named = argv[0] !== undefined && !argv[0].startsWith('-') ? argv[0] : undefined;
  const command = commands.find((candidate) => candidate.name === (named ?? commands[0]!.name));
  if (!command) return usage(terminal, `unknown command "${named}"`);
  let parsed;
  try {
    parsed = parseArgs({ args: named ? argv.slice(1) : argv, allowPositionals: true, strict: true, options: parseArgsOptions(command.options) });
  } catch (error) {
    return usage(terminal, (error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    terminal.stdout(helpText(commands, EXIT_CODES));
    return EXIT.ok;
  }
  if (values.version) {
    terminal.stdout(version());
    return EXIT.ok;
  }
  if (positionals.length > 0 && !command.positionals) return usage(terminal, `unexpected argument "${positionals.join(' ')}" for ${command.name}`);
  try {
    return await command.run(values as Record<string, string | boolean | undefined>, positionals);
  } catch (error) {
    if (error instanceof UsageError) return usage(terminal, error.message);
    return failure(terminal, error);
  }
}

/** Messages echo arguments and environment values: printed with control characters escaped. */
function usage(terminal: Terminal, message: string): number {
  terminal.stderr(`postfeed: ${escapeControls(message)}\nRun postfeed --help for usage.`);
  return EXIT.usage;
}

/** What went wrong after the input was accepted: an interrupted or failed write, or a bug. */
function failure(terminal: Terminal, error: unknown): number {
  if (error instanceof WriteInterrupted) {
    terminal.stderr(`postfeed: ${escapeControls(error.message)}`);
    return terminal.interruptedWith ?? EXIT.interrupted;
  }
  if (error instanceof OutputError) {
    // After the commit point the new feeds are decided: the next run completes the switch.
    terminal.stderr(`postfeed: ${escapeControls(error.message)}${error.committed ? '' : '; nothing was replaced'}`);
    return EXIT.outputFailed;
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code && /^E[A-Z]+$/.test(code)) {
    terminal.stderr(`postfeed: cannot write the feeds: ${escapeControls((error as Error).message)}`);
    return EXIT.outputFailed;
  }
  terminal.stderr(`postfeed: internal error, please report it: ${(error as Error).stack ?? String(error)}`);
  return EXIT.internal;
}

/**
 * SIGINT and SIGTERM: with nothing being written, exit at once; during writing, ask the write to
 * stop at its next safe point and exit with the signal's code when it has.
 */
export function installSignalHandlers(terminal: Terminal): void {
  const handle = (signal: NodeJS.Signals, code: number) =>
    process.once(signal, () => {
      terminal.interruptedWith = code;
      terminal.interrupt.abort();
      if (!terminal.writing) process.exit(code);
    });
  handle('SIGINT', EXIT.interrupted);
  handle('SIGTERM', EXIT.terminated);
}
