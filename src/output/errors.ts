// How the output stage fails: the CLI turns these into exit 3 and 130/143.

/** The feeds could not be written. Unless `committed`, nothing in the output folder was replaced. */
export class OutputError extends Error {
  /** True when the new set was committed (journal written) but could not all be moved into place yet. */
  readonly committed: boolean;

  constructor(message: string, options: { committed?: boolean } = {}) {
    super(message);
    this.name = 'OutputError';
    this.committed = options.committed ?? false;
  }
}

/** The write stopped at a safe point because its signal was aborted; the old feeds are intact. */
export class WriteInterrupted extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WriteInterrupted';
  }
}
