// The library API: build() computes the feeds and diagnostics, writeOutput() publishes them.
export { build, DEFAULT_CONFIG_FILE, type BuildOptions, type BuildResult } from './build.js';
export { ConfigSchema, resolveConfig, type Config, type ConfigInput, type ConfigOverrides } from './config.js';
export { formatDiagnostic, formatDiagnostics, summarizeDiagnostics } from './diagnostics.js';
export { parseDate } from './parse/dates.js';
export { writeOutput, recoverOutput, type OutputOptions, type WrittenFile } from './output/commit.js';
export { OutputError, WriteInterrupted } from './output/errors.js';
export type * from './model.js';
