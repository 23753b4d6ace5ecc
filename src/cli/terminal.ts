// What the CLI's commands share: exit codes, output streams and the state signals change.

export const EXIT = {
  ok: 0,
  /** The input has errors (or warnings under --strict); nothing was written. */
  invalidInput: 1,
  /** Unknown command or flag, or a bad flag or environment value. */
  usage: 2,
  /** The feeds could not be written (permissions, disk full, output path is a file). */
  outputFailed: 3,
  /** An unexpected failure inside postfeed: please report it. */
  internal: 4,
  interrupted: 130,
  terminated: 143,
} as const;

/** A bad command line or environment value: printed as `postfeed: <message>`, exit 2. */
export class UsageError extends Error {}

export interface Terminal {
  stdout(line: string): void;
  stderr(line: string): void;
  /** Aborted by SIGINT or SIGTERM: output work stops at its next safe point. */
  interrupt: AbortController;
  /** True while the output folder is being recovered or written: a signal then waits for a safe point. */
  writing: boolean;
  /** The exit code of the signal that arrived, if one did. */
  interruptedWith?: number;
}
