// The seed property tests (fast-check) run with: CI replays one fixed set of cases, so a landing
// is never decided by the dice; local runs explore a fresh seed each time. FUZZ_SEED replays one.

/** FUZZ_SEED, else the fixed seed in CI, else undefined (each run its own). */
export const FIXED_SEED: number | undefined = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : process.env.CI ? 20261128 : undefined;

/** The seed of this run: the fixed one, else a fresh one (tests that use it print it). */
export const RUN_SEED: number = FIXED_SEED ?? Math.floor(Math.random() * 2 ** 31);
