// Every fast-check property of every test file runs with the fixed seed in CI (see
// test/property-seed.ts); elsewhere fast-check picks one per property and prints it with a failure.
import fc from 'fast-check';
import { FIXED_SEED } from '../property-seed.js';

if (FIXED_SEED !== undefined) fc.configureGlobal({ seed: FIXED_SEED });
