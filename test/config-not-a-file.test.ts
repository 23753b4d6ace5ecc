// --config must name a regular file: a FIFO would block the build forever, a device or a folder
// never yields a config. Each is refused at once with the file named and a stable code.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../src/index.js';
import { CLI, makeProject, post } from './helpers.js';

/** The CLI, killed (and reported as still running) if it has not finished within `ms`. */
function runBounded(cwd: string, args: string[], ms: number): Promise<{ status: number | null; stderr: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, POSTFEED_BASE_URL: '' } });
    let stderr = '';
    let timedOut = false;
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, ms);
    child.once('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stderr, timedOut });
    });
  });
}

describe('--config naming something that is not a regular file', () => {
  it('a FIFO: refused at once instead of blocking forever', async () => {
    const project = makeProject({ 'a.md': post('title: A\ndate: 2024-01-01') });
    execFileSync('mkfifo', [path.join(project, 'pipe.json')]);
    const run = await runBounded(project, ['build', '--config', 'pipe.json'], 30_000);
    expect(run.timedOut, 'the build blocked on the FIFO').toBe(false);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/^pipe\.json: config: is not a regular file; --config must name a JSON file$/m);
  });

  it('a folder and a character device', async () => {
    const project = makeProject({ 'a.md': post('title: A\ndate: 2024-01-01') });
    mkdirSync(path.join(project, 'folder.json'));
    for (const config of ['folder.json', '/dev/zero']) {
      const run = await runBounded(project, ['build', '--config', config], 30_000);
      expect(run.timedOut).toBe(false);
      expect(run.status, run.stderr).toBe(1);
      expect(run.stderr).toContain(`${path.relative(project, path.resolve(project, config))}: config: is not a regular file`);
    }
  });

  it('diagnostics carry stable codes', async () => {
    const project = makeProject({ 'a.md': post('title: A\ndate: 2024-01-01') });
    execFileSync('mkfifo', [path.join(project, 'pipe.json')]);
    writeFileSync(path.join(project, 'broken.json'), '{ "title": ');
    const codes = async (configFile: string) => (await build({ cwd: project, configFile })).diagnostics.map((d) => d.code);
    expect(await codes('pipe.json')).toEqual(['config-not-regular-file']);
    expect(await codes('missing.json')).toEqual(['config-missing']);
    expect(await codes('broken.json')).toEqual(['config-not-json']);
  });
});
