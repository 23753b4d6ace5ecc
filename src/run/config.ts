// The config a command works with: the file (or inline data) with flags and environment on top,
// resolved once the same way for `build` and `check`.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Config, ConfigInput } from '../config/schema.js';
import type { ConfigOverrides } from '../config/resolve.js';
import type { Diagnostic, Site } from '../model.js';
import { codeFingerprint, readConfigMemo, type ConfigMemo } from '../source/cache-file.js';
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
  | {
      ok: true;
      config: Config;
      site: Site;
      /** The config file as diagnostics name it. */
      configName: string;
      /** This config, validated anew, for the memo in `memoDir` (written by the build that succeeds with it). */
      memo?: ConfigMemo;
    }
  | { ok: false; diagnostics: Diagnostic[] };

/**
 * The config, validated. `memoDir` (the cache folder) may hold the config a build validated last,
 * keyed by its data, the overrides and postfeed's code: the same input gives the same config, so
 * a build with an unchanged config neither validates it again nor loads the validator (zod alone
 * is a hundred modules, a tenth of a warm build of 1,000 posts).
 */
export async function loadSiteConfig(source: ConfigSource, memoDir?: string): Promise<LoadedSiteConfig> {
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
  const overrides: ConfigOverrides = { baseUrl, limit, posts, out };
  const key = memoDir === undefined ? undefined : memoKey(raw, overrides);
  const memo = memoDir === undefined ? undefined : readConfigMemo(memoDir);
  if (memo && memo.key === key) return { ok: true, config: memo.config as Config, site: memo.site as Site, configName };
  const { resolveConfig } = await import('../config/resolve.js');
  const resolved = resolveConfig(raw, overrides);
  if (!resolved.ok) {
    return {
      ok: false,
      diagnostics: resolved.issues.map((issue) => ({ severity: 'error', code: 'config-invalid', file: configName, field: issue.field, message: issue.message })),
    };
  }
  const fresh = key === undefined ? {} : { memo: { key, config: resolved.config, site: resolved.site } };
  return { ok: true, config: resolved.config, site: resolved.site, configName, ...fresh };
}

function memoKey(raw: unknown, overrides: ConfigOverrides): string {
  return createHash('sha256').update(codeFingerprint()).update('\0').update(JSON.stringify(raw)).update('\0').update(JSON.stringify(overrides)).digest('base64url');
}
