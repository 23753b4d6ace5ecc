// A check's result as text for a terminal, as Markdown for a GitHub step summary or a pull-request
// comment, or as JSON for machines. Pure. Titles and ids come from feeds, that is from input:
// text escapes control characters and starts each line so that no CI system takes it for a
// command (as diagnostics/format.ts does); Markdown escapes what would format or break a table.
import { escapeControls, formatDiagnostics, shownPath, summarizeDiagnostics } from '../diagnostics/format.js';
import type { CheckResult } from '../run/check.js';
import type { FeedComparison, ItemSummary } from './diff.js';

export type ReportFormat = 'text' | 'markdown' | 'json';
export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'markdown', 'json'];

export function formatReport(report: CheckResult, format: ReportFormat): string {
  if (format === 'json') return jsonReport(report);
  return format === 'markdown' ? markdownReport(report) : textReport(report);
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** `1 added, 2 changed, …` for one comparison. */
function counts(comparison: FeedComparison): string {
  return [
    `${comparison.added.length} added`,
    `${comparison.changed.length} changed`,
    `${comparison.removed.length} removed`,
    `${comparison.pushedOut.length} pushed out by the limit`,
    `${plural(comparison.idsChanged.length, 'id')} changed`,
    `${comparison.unchanged} unchanged`,
  ].join(', ');
}

/** Every item a comparison names, one row each: what happened, the id, the title and a detail. */
function changeRows(comparison: FeedComparison): Array<{ change: string; id: string; title: string; detail: string }> {
  const row = (change: string, item: ItemSummary, detail = '') => ({ change, id: item.id, title: item.title ?? '', detail });
  const intended = (yes: boolean) => (yes ? 'intended' : '');
  return [
    ...comparison.idsChanged.map((change) => ({ change: 'id changed', id: change.from, title: change.title ?? '', detail: [`now ${change.to}`, intended(change.intended)].filter(Boolean).join(', ') })),
    ...comparison.removed.map((item) => row('removed', item, intended(item.intended))),
    ...comparison.added.map((item) => row('added', item)),
    ...comparison.changed.map((item) => row('changed', item, item.fields.join(', '))),
    ...comparison.pushedOut.map((item) => row('pushed out by the limit', item, item.date ?? '')),
  ];
}

function textReport(report: CheckResult): string {
  const lines = [...formatDiagnostics(report.diagnostics)];
  for (const feed of report.feeds) lines.push(`${shownPath(feed.file)}  ${feed.items} items  ${feed.bytes} bytes`);
  for (const comparison of report.comparisons) {
    lines.push(`${shownPath(comparison.built)} against ${escapeControls(comparison.published)}: ${counts(comparison)}`);
    for (const { change, id, title, detail } of changeRows(comparison)) {
      lines.push(`  ${change}: ${escapeControls(id)}${title ? ` "${escapeControls(title)}"` : ''}${detail ? ` (${escapeControls(detail)})` : ''}`);
    }
  }
  const verdict = report.ok ? 'passed' : 'failed';
  lines.push(`postfeed check ${verdict}: ${plural(report.feeds.length, 'feed')}, ${summarizeDiagnostics(report.diagnostics)}`);
  return lines.join('\n');
}

/** Text safe in a Markdown table cell: no HTML, no table or emphasis syntax, on one line. */
function cell(text: string | number | undefined): string {
  if (text === undefined || text === '') return '';
  return escapeControls(String(text))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~#!]/g, (character) => `\\${character}`);
}

const table = (header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | undefined>>) => [
  `| ${header.join(' | ')} |`,
  `| ${header.map(() => '---').join(' | ')} |`,
  ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
];

function markdownReport(report: CheckResult): string {
  const verdict = report.ok ? '✅ passed' : '❌ failed';
  const lines = ['## postfeed check', '', `**${verdict}**: ${summarizeDiagnostics(report.diagnostics)}`, ''];
  lines.push(...table(['feed', 'items', 'bytes'], report.feeds.map((feed) => [feed.file, feed.items, feed.bytes])));
  if (report.diagnostics.length > 0) {
    lines.push('', '### Findings', '');
    lines.push(
      ...table(
        ['severity', 'code', 'file', 'item or element', 'message'],
        report.diagnostics.map((d) => [d.severity, d.code, d.line !== undefined ? `${d.file}:${d.line}` : d.file, d.field, d.message]),
      ),
    );
  }
  for (const comparison of report.comparisons) {
    lines.push('', `### ${cell(comparison.built)} against ${cell(comparison.published)}`, '', cell(counts(comparison)));
    const rows = changeRows(comparison);
    if (rows.length > 0) lines.push('', ...table(['change', 'id', 'title', 'detail'], rows.map((row) => [row.change, row.id, row.title, row.detail])));
  }
  return `${lines.join('\n')}\n`;
}

/** Keys in a fixed order and absent values left out, so two runs over the same feeds print the same bytes. */
function jsonReport(report: CheckResult): string {
  const errors = report.diagnostics.filter((d) => d.severity === 'error').length;
  const data = {
    ok: report.ok,
    errors,
    warnings: report.diagnostics.length - errors,
    feeds: report.feeds.map(({ format, file, items, bytes }) => ({ format, file, items, bytes })),
    diagnostics: report.diagnostics.map(({ severity, code, file, line, column, field, message }) => ({ severity, code, file, line, column, field, message })),
    comparisons: report.comparisons.map((comparison) => ({
      format: comparison.format,
      published: comparison.published,
      built: comparison.built,
      counts: {
        added: comparison.added.length,
        changed: comparison.changed.length,
        removed: comparison.removed.length,
        pushedOut: comparison.pushedOut.length,
        idsChanged: comparison.idsChanged.length,
        unchanged: comparison.unchanged,
      },
      added: comparison.added.map(jsonItem),
      changed: comparison.changed.map((item) => ({ ...jsonItem(item), fields: item.fields })),
      removed: comparison.removed.map((item) => ({ ...jsonItem(item), intended: item.intended })),
      pushedOut: comparison.pushedOut.map(jsonItem),
      idsChanged: comparison.idsChanged.map(({ from, to, link, title, intended }) => ({ from, to, link, title, intended })),
    })),
  };
  // JSON.stringify leaves out undefined values; the order of the rest is the order written above.
  return `${JSON.stringify(data, null, 2)}\n`;
}

const jsonItem = ({ id, title, link, date }: ItemSummary) => ({ id, title, link, date });
