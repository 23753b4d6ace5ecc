// `postfeed check`: flags → check() → a report on stdout (and in the GitHub step summary), exit 1 on any error.
import { appendFileSync } from 'node:fs';
import { escapeControls } from '../diagnostics/format.js';
import { REPORT_FORMATS, type ReportFormat } from '../check/report.js';
import type { CommandSpec } from './commands.js';
import { baseUrlOverride, limitFlag, timeoutFlag } from './flags.js';
import { EXIT, UsageError, type Terminal } from './terminal.js';

export const checkCommand = (terminal: Terminal): CommandSpec => ({
  name: 'check',
  summary: 'lint the built feeds; with --against, compare them with the published ones',
  options: {
    against: { type: 'string', value: '<url|file|dir>', help: 'the feeds published today: a URL, a feed file, or a folder with the output names' },
    format: { type: 'string', value: '<text|markdown|json>', help: 'report format (default: text); the Markdown report is also appended to $GITHUB_STEP_SUMMARY when set' },
    timeout: { type: 'string', value: '<seconds>', help: 'per attempt to fetch --against (default: 10; one retry)' },
    config: { type: 'string', value: '<file>', help: 'config file (default: postfeed.config.json)' },
    out: { type: 'string', value: '<dir>', help: 'folder of the built feeds (default: config "out", else dist)' },
    'base-url': { type: 'string', value: '<url>', help: 'the baseUrl the feeds were built with (also env POSTFEED_BASE_URL)' },
    limit: { type: 'string', value: '<n>', help: 'the limit the feeds were built with, for items pushed out (default: config "limit")' },
  },
  async run(values) {
    const format = (values.format as string | undefined) ?? 'text';
    if (!(REPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format: must be ${REPORT_FORMATS.join(', ')}, found "${format}"`);
    for (const flag of ['config', 'out', 'against'] as const) {
      if (values[flag] === '') throw new UsageError(`--${flag}: must not be empty`);
    }
    const timeoutMs = timeoutFlag(values.timeout as string | undefined);
    const limit = limitFlag(values.limit as string | undefined);
    const baseUrl = baseUrlOverride(values['base-url'] as string | undefined, process.env.POSTFEED_BASE_URL);
    // Loaded only for a check, so --help and --version answer at once.
    const { check } = await import('../run/check.js');
    const { formatReport } = await import('../check/report.js');
    const result = await check({
      configFile: values.config as string | undefined,
      out: values.out as string | undefined,
      against: values.against as string | undefined,
      baseUrl,
      limit,
      timeoutMs,
    });
    terminal.stdout(formatReport(result, format as ReportFormat).replace(/\n$/, ''));
    // In GitHub Actions the summary shows on the run's page, whatever format the log got.
    const summaryFile = process.env.GITHUB_STEP_SUMMARY;
    if (summaryFile) {
      try {
        appendFileSync(summaryFile, formatReport(result, 'markdown'));
      } catch (error) {
        terminal.stderr(`postfeed: cannot append to GITHUB_STEP_SUMMARY (${escapeControls((error as Error).message)})`);
      }
    }
    return result.ok ? EXIT.ok : EXIT.invalidInput;
  },
});
