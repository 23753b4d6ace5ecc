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

/** Why a small text file could not be read: the errno code, or what it is instead of a file. */
export type SmallFileProblem = { errno: string } | { notRegular: true } | { tooLarge: number };

/**
 * The file's text. Only a regular file is read: a FIFO, a device or a folder named by --config
 * would block forever or never end. It is opened without blocking and checked again on the open
 * descriptor, so swapping the file for a FIFO between the two checks cannot hang the build either.
 */
export async function readSmallFile(filePath: string): Promise<{ text: string } | SmallFileProblem> {
  const failed = (error: unknown) => ({ errno: (error as NodeJS.ErrnoException).code ?? (error as Error).message });
  try {
    if (!(await fs.stat(filePath)).isFile()) return { notRegular: true };
  } catch (error) {
    return failed(error);
  }
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(filePath, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const stat = await handle.stat();
    if (!stat.isFile()) return { notRegular: true };
    if (stat.size > MAX_CONFIG_BYTES) return { tooLarge: stat.size };
    return { text: await handle.readFile('utf8') };
  } catch (error) {
    return failed(error);
  } finally {
    await handle?.close();
  }
}

async function readConfigText(configPath: string): Promise<{ text: string } | { code: string; message: string }> {
  const read = await readSmallFile(configPath);
  if ('text' in read) return read;
  if ('notRegular' in read) return { code: 'config-not-regular-file', message: 'is not a regular file; --config must name a JSON file' };
  if ('tooLarge' in read) return { code: 'config-too-large', message: `is ${read.tooLarge} bytes; a config file may have at most ${MAX_CONFIG_BYTES}` };
  if (read.errno === 'ENOENT') return { code: 'config-missing', message: 'config file not found; create it (see README: Configuration) or pass --config' };
  return { code: 'config-unreadable', message: `cannot read the config file (${read.errno})` };
}
