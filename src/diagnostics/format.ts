// Diagnostics as text: `posts/file.md:LINE: field: message`, a one-line code frame, and a summary.
import type { Diagnostic } from './model.js';

/** Warnings shared by more files than this are shown once with a count. */
const GROUP_AFTER = 3;

export function formatDiagnostic(diagnostic: Diagnostic): string {
  const location = [diagnostic.file, diagnostic.line, diagnostic.line !== undefined ? diagnostic.column : undefined]
    .filter((part) => part !== undefined)
    .join(':');
  const severity = diagnostic.severity === 'warning' ? 'warning: ' : '';
  const field = diagnostic.field ? `${diagnostic.field}: ` : '';
  let text = `${location}: ${severity}${field}${diagnostic.message}`;
  if (diagnostic.excerpt !== undefined && diagnostic.line !== undefined) {
    const gutter = String(diagnostic.line);
    text += `\n  ${gutter} | ${diagnostic.excerpt}`;
    // A caret only where it lands inside the (possibly shortened) excerpt.
    if (diagnostic.column !== undefined && diagnostic.column <= diagnostic.excerpt.length + 1) {
      text += `\n  ${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(0, diagnostic.column - 1))}^`;
    }
  }
  return text;
}

/** Every diagnostic, errors first, identical warnings from many files folded into one entry. */
export function formatDiagnostics(diagnostics: readonly Diagnostic[]): string[] {
  const errors = diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
  const groups = new Map<string, Diagnostic[]>();
  for (const warning of diagnostics.filter((d) => d.severity === 'warning')) {
    const key = `${warning.field}\u0000${warning.message}`;
    const group = groups.get(key);
    if (group) group.push(warning);
    else groups.set(key, [warning]);
  }
  const warnings: string[] = [];
  for (const group of groups.values()) {
    const shown = group.length > GROUP_AFTER + 1 ? group.slice(0, GROUP_AFTER) : group;
    warnings.push(...shown.map(formatDiagnostic));
    if (shown.length < group.length) warnings.push(`  … and ${group.length - shown.length} more files with this warning`);
  }
  return [...errors, ...warnings];
}

export function summarizeDiagnostics(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const files = new Set(diagnostics.map((d) => d.file)).size;
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(files, 'file')}`;
}
