// The config a command works with: the file (or inline data) with flags and environment on top,
// resolved once the same way for `build` and `check`.
import path from 'node:path';
import type { Config, ConfigInput } from '../config/schema.js';
import { resolveConfig, type ConfigOverrides } from '../config/resolve.js';
import type { Diagnostic, Site } from '../model.js';
import { loadConfigFile } from '../source/config-file.js';

export const DEFAULT_CONFIG_FILE = 'postfeed.config.json';

export interface ConfigSource extends ConfigOverrides {
  /** Absolute directory that relative paths are resolved against. */
  cwd: string;
  /** Config file path; default `postfeed.config.json`. Ignored when `config` is given. */
  configFile?: string;
  /** The config itself, instead of a file. */
  config?: ConfigInput;
}

export type LoadedSiteConfig =
  | { ok: true; config: Config; site: Site; /** The config file as diagnostics name it. */ configName: string }
  | { ok: false; diagnostics: Diagnostic[] };

export async function loadSiteConfig(source: ConfigSource): Promise<LoadedSiteConfig> {
  const { cwd } = source;
  const configPath = path.resolve(cwd, source.configFile ?? DEFAULT_CONFIG_FILE);
  const configName = source.config ? '(config)' : path.relative(cwd, configPath) || '.';
  let raw: unknown = source.config;
  if (raw === undefined) {
    const loaded = await loadConfigFile(configPath, configName);
    if (loaded.diagnostics.length > 0) return { ok: false, diagnostics: loaded.diagnostics };
    raw = loaded.raw;
  }
  const { baseUrl, limit, posts, out } = source;
  const resolved = resolveConfig(raw, { baseUrl, limit, posts, out });
  if (!resolved.ok) {
    return {
      ok: false,
      diagnostics: resolved.issues.map((issue) => ({ severity: 'error', code: 'config-invalid', file: configName, field: issue.field, message: issue.message })),
    };
  }
  return { ok: true, config: resolved.config, site: resolved.site, configName };
}
