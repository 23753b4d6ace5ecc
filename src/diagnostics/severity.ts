// What makes a build fail: one rule, for a build that runs its stages and one taken from the cache.
import type { Diagnostic } from '../model.js';

/** Whether `diagnostics` fail a build: any error, or with --strict any warning. */
export function failsBuild(diagnostics: readonly Diagnostic[], strict: boolean): boolean {
  return diagnostics.some((diagnostic) => diagnostic.severity === 'error' || (strict && diagnostic.severity === 'warning'));
}
