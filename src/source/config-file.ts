// Reads the config file: a regular file of JSON, or a diagnostic naming it.
import { constants, promises as fs } from 'node:fs';
import type { Diagnostic } from '../model.js';
import { lineNumberAt } from '../parse/lines.js';

/** A config file is a few kilobytes; anything near this is not one (or is /dev/zero by another name). */
const MAX_CONFIG_BYTES = 10 * 1024 * 1024;

export interface LoadedConfig {
  raw?: unknown;
  diagnostics: Diagnostic[];
}

/** Reads and JSON-parses the config file; a missing, unreadable or malformed file is an error naming it. */
export async function loadConfigFile(configPath: string, displayPath: string): Promise<LoadedConfig> {
  const problem = (code: string, message: string, line?: number): LoadedConfig => ({
    diagnostics: [{ severity: 'error', code, file: displayPath, ...(line ? { line } : {}), field: 'config', message }],
  });
  const read = await readConfigText(configPath);
  if ('code' in read) return problem(read.code, read.message);
  const { text } = read;
  try {
    return { raw: JSON.parse(text.replace(/^\uFEFF/, '')), diagnostics: [] };
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    const line = position ? lineNumberAt(text, Number(position[1])) : undefined;
    return problem('config-not-json', `is not valid JSON: ${message}`, line);
  }
}

/**
 * The file's text. Only a regular file is read: a FIFO, a device or a folder named by --config
 * would block forever or never end. It is opened without blocking and checked again on the open
 * descriptor, so swapping the file for a FIFO between the two checks cannot hang the build either.
 */
async function readConfigText(configPath: string): Promise<{ text: string } | { code: string; message: string }> {
  const cannotRead = (error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { code: 'config-missing', message: 'config file not found; create it (see README: Configuration) or pass --config' };
    return { code: 'config-unreadable', message: `cannot read the config file (${code ?? (error as Error).message})` };
  };
  const notRegular = { code: 'config-not-regular-file', message: 'is not a regular file; --config must name a JSON file' };
  try {
    if (!(await fs.stat(configPath)).isFile()) return notRegular;
  } catch (error) {
    return cannotRead(error);
  }
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(configPath, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const stat = await handle.stat();
    if (!stat.isFile()) return notRegular;
    if (stat.size > MAX_CONFIG_BYTES) {
      return { code: 'config-too-large', message: `is ${stat.size} bytes; a config file may have at most ${MAX_CONFIG_BYTES}` };
    }
    return { text: await handle.readFile('utf8') };
  } catch (error) {
    return cannotRead(error);
  } finally {
    await handle?.close();
  }
}
