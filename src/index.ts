// The library API: build() computes the feeds and diagnostics, writeOutput() publishes them,
// init() proposes a config for an existing site.
export { build, DEFAULT_CONFIG_FILE, type BuildOptions, type BuildResult } from './run/build.js';
export { ConfigSchema, type Config, type ConfigInput } from './config/schema.js';
export { resolveConfig, type ConfigOverrides } from './config/resolve.js';
export { formatDiagnostic, formatDiagnostics, summarizeDiagnostics } from './diagnostics/format.js';
export { parseDate } from './parse/dates.js';
export { writeOutput, recoverOutput, type OutputOptions, type WrittenFile } from './output/commit.js';
export { OutputError, WriteInterrupted } from './output/errors.js';
export type * from './model.js';
export { init, type InitOptions } from './init/init.js';
export type { InitialConfig } from './init/initial-config.js';
