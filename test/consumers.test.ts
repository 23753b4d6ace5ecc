// What real feed consumers read back from postfeed's feeds: every title exactly as written, every
// category, an author on every item. Titles full of markup and entities are where writers and
// readers disagree about escaping (Atom type="html" vs "text", RSS CDATA vs character references).
// The same checks run on hand-written feeds in the target encodings (test/consumers/target/), so a
// failure on the built feeds is the writer's, not an expectation no consumer could meet.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Consumer, CONSUMERS, type FeedFormat, type MisreadField, type ReadFeed } from './consumers/readers.js';
import { hasCommand, makeProject, post, ROOT, runCli } from './helpers.js';

const SITE = { title: 'Notes & <Queries>', author: 'Newsroom & Co' };

interface Post {
  slug: string;
  title: string;
  tags: string[];
  /** The post's own author; without one, the site's author is credited. */
  author?: string;
}

const POSTS: Post[] = [
  { slug: 'post-01', title: 'AT&T <b>', tags: ['R&D'] },
  { slug: 'post-02', title: 'Tables, lists & code — "quoted"', tags: ['R&D', '<html>'] },
  { slug: 'post-03', title: 'a > b', tags: [] },
  { slug: 'post-04', title: 'Q&A: <folder> vs <render>', tags: ['say "hi"'] },
  { slug: 'post-05', title: 'Why <script> tags', tags: ['<html>'] },
  { slug: 'post-06', title: ']]>', tags: [] },
  { slug: 'post-07', title: "Tom & Jerry's", tags: ['R&D', '<html>', 'say "hi"'], author: "Renée O'Brien" },
  { slug: 'post-08', title: 'مرحبا بالعالم', tags: [] },
  { slug: 'post-09', title: 'Launch 🚀 day 🎉', tags: [] },
  { slug: 'post-10', title: '&copy; &amp; entities', tags: ['R&D'] },
];

const FILES: Record<FeedFormat, string> = { rss: 'rss.xml', atom: 'atom.xml', json: 'feed.json' };
const FORMATS = Object.keys(FILES) as FeedFormat[];

/** Per post slug, so a misread title shows up next to the post it belongs to. */
const bySlug = <T>(feed: ReadFeed, pick: (item: ReadFeed['items'][number]) => T) =>
  Object.fromEntries(feed.items.map((item) => [new URL(item.link).pathname.split('/').at(-2) ?? item.link, pick(item)]));
const expected = <T>(pick: (entry: Post) => T) => Object.fromEntries(POSTS.map((entry) => [entry.slug, pick(entry)]));

let dist: string;
const SOURCES = {
  'postfeed build': () => dist,
  'hand-written target encodings': () => path.join(ROOT, 'test', 'consumers', 'target'),
};

beforeAll(() => {
  const posts = Object.fromEntries(
    POSTS.map((entry, index) => {
      const frontMatter = [
        `title: ${JSON.stringify(entry.title)}`,
        `date: 2024-01-${String(index + 1).padStart(2, '0')}`,
        `tags: ${JSON.stringify(entry.tags)}`,
        ...(entry.author ? [`author: ${JSON.stringify(entry.author)}`] : []),
      ].join('\n');
      return [`${entry.slug}.md`, post(frontMatter, `Body of ${entry.slug}.`)];
    }),
  );
  const cwd = makeProject(posts, { title: SITE.title, author: { name: SITE.author }, limit: 0 });
  const run = runCli(cwd, ['build']);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  dist = path.join(cwd, 'dist');
});

for (const consumer of CONSUMERS) {
  // Locally a missing Debian tool skips its consumer; in CI it is a failure, never a silent skip.
  const available = consumer.commands.every(hasCommand) || !!process.env.CI;
  describe.skipIf(!available)(consumer.name, () => {
    for (const [source, folder] of Object.entries(SOURCES)) {
      describe(source, () => {
        for (const format of FORMATS) checkFormat(consumer, format, () => path.join(folder(), FILES[format]));
      });
    }
  });
}

function checkFormat(consumer: Consumer, format: FeedFormat, file: () => string) {
  const reader = consumer.formats[format];
  if ('cannot' in reader) {
    it.skip(`${format}: ${reader.cannot}`, () => {});
    return;
  }
  // What this consumer shows for a value written as `value`: the value itself, bar its own bugs.
  const shown = (field: MisreadField, value: string) => consumer.misreads?.[format]?.[field]?.[value] ?? value;

  describe(FILES[format], () => {
    let feed: ReadFeed;
    beforeAll(async () => {
      feed = await reader(file());
    });

    it('reads every item', () => {
      expect(feed.items).toHaveLength(POSTS.length);
    });

    it('reads every title exactly', () => {
      expect(bySlug(feed, (item) => item.title)).toEqual(expected((entry) => shown('title', entry.title)));
      if (feed.title !== undefined) expect(feed.title).toBe(shown('title', SITE.title));
    });

    it.skipIf(!!consumer.noCategories)(`reads every category${consumer.noCategories ? ` (skipped: ${consumer.noCategories})` : ''}`, () => {
      expect(bySlug(feed, (item) => item.categories)).toEqual(expected((entry) => entry.tags.map((tag) => shown('category', tag))));
    });

    it('credits an author on every item', () => {
      expect(bySlug(feed, (item) => item.authors)).toEqual(expected((entry) => [shown('author', entry.author ?? SITE.author)]));
    });
  });
}
