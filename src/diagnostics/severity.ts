// What makes a run fail: one rule, for a build that runs its stages, one taken from the cache, and
// the commands that read posts or feeds without building (check, ledger import).
import type { Diagnostic } from '../model.js';

/** Whether any of `diagnostics` is an error: what fails every command. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((diagnostic) => diagnostic.severity === 'error');
}

/** Whether `diagnostics` fail a build: any error, or with --strict any warning. */
export function failsBuild(diagnostics: readonly Diagnostic[], strict: boolean): boolean {
  return hasErrors(diagnostics) || (strict && diagnostics.some((diagnostic) => diagnostic.severity === 'warning'));
}
