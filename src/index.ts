// The library API: build() computes the feeds and diagnostics, writeOutput() publishes them.
export { build, DEFAULT_CONFIG_FILE, type BuildOptions, type BuildResult } from './run/build.js';
export { ConfigSchema, type Config, type ConfigInput } from './config/schema.js';
export { resolveConfig, type ConfigOverrides } from './config/resolve.js';
export { formatDiagnostic, formatDiagnostics, summarizeDiagnostics } from './diagnostics.js';
export { parseDate } from './parse/dates.js';
export { writeOutput, recoverOutput, OutputError, type WrittenFile } from './write.js';
export type * from './model.js';
