// A whole build remembered in the cache. A build that succeeded and left the ledger as it was
// keeps, under a key of everything it read, what came of it after the parse: its items (as the
// keys of their cached renders), the feeds' date and its diagnostics. A build that reads exactly
// the same takes that and skips identity, selection, the ledger and the render stage, which at
// 10,000 posts are most of a warm build once the posts are read. One edited post misses it and
// runs as before, from the cache post by post.
import path from 'node:path';
import type { Config } from '../config/schema.js';
import type { Diagnostic, ParsedPost, Site } from '../model.js';
import { timeState } from '../plan/select.js';
import { mediaFileSize, type MediaSize } from '../source/media.js';

export interface BuildMemo {
  /** The render key of each item of the feeds, in feed order. */
  items: string[];
  /** The feeds' date (plan/feeds.ts feedDate), as milliseconds. */
  updated: number;
  /** What the build reported after the parse: identity, selection, ledger and render diagnostics. */
  diagnostics: Diagnostic[];
  /** Posts read and valid (BuildResult.posts). */
  posts: number;
  /**
   * The local files items attach (a post's `image:`) and what was found for each: the sizes are
   * in the items, so the memo holds only while every file is as it was.
   */
  media: MediaUse[];
}

/** A post's file, the `image:` it names and what mediaFileSize said of it (JSON). */
export type MediaUse = [file: string, image: string, found: string];

export function mediaUse(file: string, image: string, found: MediaSize): MediaUse {
  return [file, image, JSON.stringify(found)];
}

/** Whether every local file the memo's items attach is as it was (see mediaFileSize). */
export async function mediaUnchanged(memo: BuildMemo, postsRoot: string, cwd: string): Promise<boolean> {
  for (const [file, image, found] of memo.media) {
    if (JSON.stringify(await mediaFileSize(postsRoot, path.resolve(cwd, file), image)) !== found) return false;
  }
  return true;
}

/** What a build reads besides the posts' bytes (the cache's parse keys stand for those). */
export interface MemoInputs {
  /** The working directory: the paths in diagnostics and in the key's parse keys are relative to it. */
  cwd: string;
  config: Config;
  site: Site;
  /** The ledger file as read (undefined: there is none). */
  ledgerText: string | undefined;
  /** The flags that change the result and are not in the config. */
  flags: { drafts: boolean; future: boolean; strict: boolean; updateLedger: boolean; baseUrlOverride: boolean };
  /** Every post that parsed, in order, for where each stands at `now`. */
  parsed: readonly ParsedPost[];
  now: Date;
  /** Diagnostics of the reading and the parse. */
  readDiagnostics: readonly Diagnostic[];
}

/**
 * The inputs as one string for the memo's key. The clock enters only as each post's time state:
 * a memo made at another `now` holds as long as no post became public or expired in between.
 */
export function memoInputs(inputs: MemoInputs): string {
  const now = inputs.now.getTime();
  let states = '';
  for (const post of inputs.parsed) {
    const state = timeState(post, now);
    states += String((state.future ? 1 : 0) + (state.expired ? 2 : 0));
  }
  return JSON.stringify([inputs.cwd, inputs.config, inputs.site, inputs.ledgerText ?? null, inputs.flags, states, inputs.readDiagnostics]);
}
