// The library API: build() computes the feeds and diagnostics, writeOutput() publishes them.
export { build, DEFAULT_CONFIG_FILE, type BuildOptions, type BuildResult } from './build.js';
export { ConfigSchema, resolveConfig, type Config, type ConfigInput, type ConfigOverrides } from './config.js';
export { formatDiagnostic, formatDiagnostics, summarizeDiagnostics } from './diagnostics/format.js';
export { parseDate } from './parse/dates.js';
export { writeOutput, recoverOutput, OutputError, type WrittenFile } from './write.js';
export type * from './model.js';
