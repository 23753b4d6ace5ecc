// Which generator built a site, decided by the first rule of DETECTION_RULES its files match.
import type { SiteFiles } from '../source/site-files.js';
import type { ConventionName } from '../parse/conventions/index.js';
import { DETECTION_RULES } from './site-layouts.js';

export type Detection = { generator: Exclude<ConventionName, 'plain'>; decidedBy: string } | { generator: 'plain' };

/** Every file a detection rule may look at, for the reader. */
export const DETECTION_FILES = [...new Set(DETECTION_RULES.flatMap((rule) => rule.files))];
export const DETECTION_FOLDERS = ['content'];

export function detectGenerator(site: SiteFiles): Detection {
  const hasFolder = (folder: string) => site.get(folder)?.kind === 'folder';
  for (const rule of DETECTION_RULES) {
    for (const file of rule.files) {
      const entry = site.get(file);
      if (entry?.kind !== 'file') continue;
      if (rule.when && !rule.when(entry.text, hasFolder)) continue;
      return { generator: rule.generator, decidedBy: file };
    }
  }
  return { generator: 'plain' };
}
