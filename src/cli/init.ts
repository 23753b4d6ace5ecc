// `postfeed init`: init() proposes a config for the site in --dir; this writes it, never over an
// existing one without --force, and never half: a temporary file beside it is renamed into place.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { escapeControls } from '../diagnostics/format.js';
import type { CommandSpec } from './commands.js';
import { EXIT, UsageError, type Terminal } from './terminal.js';

export const initCommand = (terminal: Terminal): CommandSpec => ({
  name: 'init',
  summary: "detect the site's generator and write postfeed.config.json from the site's own config",
  options: {
    dir: { type: 'string', value: '<path>', help: "the site's root folder (default: the current folder)" },
    force: { type: 'boolean', help: 'replace an existing postfeed.config.json' },
  },
  async run(values) {
    if (values.dir === '') throw new UsageError('--dir: must not be empty');
    const dir = path.resolve((values.dir as string | undefined) ?? '.');
    if (!(await fs.stat(dir).catch(() => undefined))?.isDirectory()) throw new UsageError(`--dir: "${values.dir as string}" is not a folder`);
    // Loaded only for init, so --help and --version answer at once.
    const [{ init }, { DEFAULT_CONFIG_FILE }] = await Promise.all([import('../init/init.js'), import('../run/config.js')]);
    const target = path.join(dir, DEFAULT_CONFIG_FILE);
    const relative = path.relative(process.cwd(), target);
    const shown = escapeControls(relative.startsWith('..') ? target : relative);
    const exists = () => `postfeed: ${shown} already exists; nothing written. Run postfeed init --force to replace it.`;
    const replacing = (await fs.lstat(target).catch(() => undefined)) !== undefined;
    if (replacing && values.force !== true) {
      terminal.stderr(exists());
      return EXIT.invalidInput;
    }

    const proposal = await init({ dir });
    for (const line of proposal.lines) terminal.stdout(escapeControls(line));
    try {
      await writeConfig(target, proposal.text, values.force === true);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        terminal.stderr(exists());
        return EXIT.invalidInput;
      }
      terminal.stderr(`postfeed: cannot write ${shown}: ${escapeControls((error as Error).message)}`);
      return EXIT.outputFailed;
    }
    terminal.stdout(`${replacing ? 'Replaced' : 'Wrote'} ${shown}. Check the values above, then run: postfeed build`);
    return EXIT.ok;
  },
});

/**
 * Writes the whole text to a temporary file beside `target`, then moves it into place: a rename
 * with `replace`, else a hard link, which fails if a config appeared meanwhile instead of replacing it.
 */
async function writeConfig(target: string, text: string, replace: boolean): Promise<void> {
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(temporary, 'wx');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
    await handle.close();
    if (replace) await fs.rename(temporary, target);
    else await fs.link(temporary, target);
  } finally {
    await handle.close().catch(() => undefined);
    await fs.rm(temporary, { force: true });
  }
}
