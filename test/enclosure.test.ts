// `image` → enclosure: absolute http(s) URL, registered media type, size of a file beside the
// post; every bad value is a problem to report, never an exception.
import { describe, expect, it } from 'vitest';
import { resolveEnclosure } from '../src/render/enclosure.js';

const PERMALINK = 'https://example.com/blog/posts/x/';

/** A fake file system: the refs it was asked about, and sizes for the ones that "exist". */
function files(sizes: Record<string, number>) {
  const asked: string[] = [];
  const localSize = (ref: string) => {
    asked.push(ref);
    return ref in sizes ? { size: sizes[ref]! } : { problem: `"${ref}" not found`, code: 'image-not-found' };
  };
  return { asked, localSize };
}

describe('resolveEnclosure', () => {
  it('sizes a relative path through localSize, which gets the ref as written', () => {
    const fs = files({ 'img/a%20b.png?v=2#top': 1234 });
    expect(resolveEnclosure('img/a%20b.png?v=2#top', PERMALINK, fs.localSize)).toEqual({
      enclosure: { url: 'https://example.com/blog/posts/x/img/a%20b.png?v=2#top', type: 'image/png', length: 1234 },
    });
    expect(fs.asked).toEqual(['img/a%20b.png?v=2#top']);
  });

  it('uses absolute http(s) URLs and root-relative paths as they are, with length 0 and no file look-up', () => {
    const fs = files({});
    expect(resolveEnclosure('https://cdn.example.org/ep1.MP3', PERMALINK, fs.localSize)).toEqual({
      enclosure: { url: 'https://cdn.example.org/ep1.MP3', type: 'audio/mpeg', length: 0 },
    });
    expect(resolveEnclosure('/media/v.webm', PERMALINK, fs.localSize)).toEqual({
      enclosure: { url: 'https://example.com/media/v.webm', type: 'video/webm', length: 0 },
    });
    expect(fs.asked).toEqual([]);
  });

  it('gives a problem, not an exception, for a "%" that starts no percent-escape (the source stage says why)', () => {
    const localSize = () => ({ problem: '"a%zz.png" has a malformed percent-escape; write % as %25', code: 'image-bad-escape' });
    const resolved = resolveEnclosure('a%zz.png', PERMALINK, localSize);
    expect(resolved).toEqual({ problem: expect.stringContaining('%25'), code: 'image-bad-escape' });
  });

  it('writes characters RFC 3986 forbids percent-encoded, and refuses credentials', () => {
    const fs = files({});
    expect(resolveEnclosure('https://cdn.example.org/a|b{c}^d.png', PERMALINK, fs.localSize)).toEqual({
      enclosure: { url: 'https://cdn.example.org/a%7Cb%7Bc%7D%5Ed.png', type: 'image/png', length: 0 },
    });
    expect(resolveEnclosure('https://user:secret@cdn.example.org/a.png', PERMALINK, fs.localSize)).toEqual({
      problem: expect.stringContaining('user name or password'),
      code: 'image-url',
    });
  });

  it.each([
    ['ftp://example.org/a.png', 'image-url'],
    ['javascript:alert(1)//a.png', 'image-url'],
    ['data:image/png;base64,AAAA', 'image-url'],
    ['https://example.org/a.txt', 'image-media-type'],
    ['cover', 'image-media-type'],
  ])('refuses %s (%s)', (ref, code) => {
    const fs = files({ cover: 1, 'a.txt': 1 });
    expect(resolveEnclosure(ref, PERMALINK, fs.localSize)).toEqual({ problem: expect.stringContaining(`"${ref}"`), code });
    expect(fs.asked).toEqual([]);
  });

  it("passes localSize's problem on as it is", () => {
    expect(resolveEnclosure('missing.jpg', PERMALINK, files({}).localSize)).toEqual({ problem: '"missing.jpg" not found', code: 'image-not-found' });
    expect(resolveEnclosure('x.jpg', PERMALINK, () => ({ problem: 'outside' }))).toEqual({ problem: 'outside', code: 'image-file' });
  });
});
