// The command table: every command, its options and its help text in one place. Usage errors
// and `--help` are derived from it.
import type { ParseArgsConfig } from 'node:util';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Placeholder for the value in help (`<file>`). */
  value?: string;
  help: string;
}

export interface CommandSpec {
  name: string;
  /** The positional arguments as help shows them (`import <url|file>`); a command without it takes none. */
  positionals?: string;
  summary: string;
  options: Record<string, OptionSpec>;
  run: (values: Record<string, string | boolean | undefined>, positionals: string[]) => Promise<number>;
}

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  help: { type: 'boolean', short: 'h', help: 'show this help' },
  version: { type: 'boolean', short: 'v', help: 'show the version' },
};

export function parseArgsOptions(options: Record<string, OptionSpec>): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(
    Object.entries({ ...options, ...GLOBAL_OPTIONS }).map(([name, spec]) => [name, { type: spec.type, ...(spec.short ? { short: spec.short } : {}) }]),
  );
}

export function helpText(commands: readonly CommandSpec[], exitCodes: string): string {
  const lines = [
    'postfeed — RSS 2.0, Atom 1.0 and JSON Feed 1.1 from a folder of Markdown posts',
    '',
    `Usage: postfeed [${commands.map((command) => command.name).join('|')}] [options]   ("${commands[0]!.name}" is the default)`,
  ];
  for (const command of commands) {
    lines.push('', `postfeed ${command.name}${command.positionals ? ` ${command.positionals}` : ''}: ${command.summary}`);
    lines.push(...optionLines({ ...command.options, ...GLOBAL_OPTIONS }));
  }
  lines.push('', exitCodes);
  return lines.join('\n');
}

function optionLines(options: Record<string, OptionSpec>): string[] {
  const entries = Object.entries(options).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.value ? ` ${spec.value}` : ''}`;
    return [flag, spec.help] as const;
  });
  const width = Math.max(...entries.map(([flag]) => flag.length)) + 2;
  return entries.map(([flag, help]) => `  ${flag.padEnd(width)}${help}`);
}
