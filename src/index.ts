// The library API: build() computes the feeds and diagnostics, writeOutput() publishes them,
// check() lints the written feeds and compares them with the ones published, importLedger() records
// the ids of a feed published by another generator, init() proposes a config for an existing site.
export { build, DEFAULT_CACHE_DIR, type BuildOptions, type BuildResult } from './run/build.js';
export type { CacheReport } from './run/post-stages.js';
export { DEFAULT_CONFIG_FILE } from './run/config.js';
export { check, type CheckOptions, type CheckResult, type CheckedFeed } from './run/check.js';
export { importLedger, type ImportOptions, type ImportResult } from './run/ledger-import.js';
export type { ImportMatch } from './identity/ledger-import.js';
export type { LedgerChange, LedgerEntry } from './identity/ledger.js';
export { formatReport, type ReportFormat } from './check/report.js';
export type { FeedChange, FeedComparison } from './check/diff.js';
export { ConfigSchema, type Config, type ConfigInput } from './config/schema.js';
export { resolveConfig, type ConfigOverrides } from './config/resolve.js';
export { formatDiagnostic, formatDiagnostics, summarizeDiagnostics } from './diagnostics/format.js';
export { parseDate } from './parse/dates.js';
export { writeOutput, recoverOutput, type OutputOptions, type WrittenFile } from './output/commit.js';
export { OutputError, WriteInterrupted } from './output/errors.js';
export type * from './model.js';
export { init, type InitOptions } from './init/init.js';
export type { InitialConfig } from './init/initial-config.js';
