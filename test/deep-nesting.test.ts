// HTML nested deeper than any real post is refused before the sanitizer sees it: unclosed tags
// once took the sanitizer quadratic time (100,000 unclosed <span> took 16–46 s, 200,000 over a minute).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../src/index.js';
import { makeProject, post } from './helpers.js';

async function timedBuild(body: string) {
  const cwd = makeProject({ 'deep.md': post('title: Deep\ndate: 2023-07-01', body), 'ok.md': post('title: OK\ndate: 2023-07-02') });
  const started = performance.now();
  const result = await build({ cwd });
  return { result, seconds: (performance.now() - started) / 1000 };
}

describe('HTML nested too deep', () => {
  it('is an error naming the file and the line where the limit was crossed, found in moments', async () => {
    // 200,000 unclosed <span>, 400 per line, after an intro: the 1001st open element (with the
    // <p> markdown-it wraps around them) is on the third line of spans, line 10 of the file.
    const body = `Intro.\n\n${`${'<span>'.repeat(400)}\n`.repeat(500)}`;
    const { result, seconds } = await timedBuild(body);
    expect(seconds).toBeLessThan(20);
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'nesting-too-deep',
        file: path.join('posts', 'deep.md'),
        line: 10,
        field: 'body',
        message: expect.stringMatching(/^more than 1000 HTML elements are open at once/),
      },
    ]);
  });

  it('is refused the same way for block elements; closed elements do not count', async () => {
    const divs = await timedBuild(`${'<div>'.repeat(100_000)}x`);
    expect(divs.seconds).toBeLessThan(20);
    expect(divs.result.diagnostics.map((d) => [d.code, d.line])).toEqual([['nesting-too-deep', 6]]);

    // Closed elements do not count: 300 levels of nested, closed <b> around each paragraph is fine.
    const closed = await timedBuild(`${'<b>'.repeat(300)}x${'</b>'.repeat(300)}\n\n`.repeat(50));
    expect(closed.result.ok).toBe(true);
    expect(closed.seconds).toBeLessThan(20);
  });
});
