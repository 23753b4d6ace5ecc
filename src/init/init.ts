// `postfeed init` as a library call: read a site, detect its generator, propose a config.
// It never writes; the CLI writes the text it returns.
import path from 'node:path';
import { CONVENTIONS } from '../parse/conventions/index.js';
import { readSiteFiles } from '../source/site-files.js';
import { DETECTION_FILES, DETECTION_FOLDERS, detectGenerator } from './detect.js';
import { initialConfig, type InitialConfig } from './initial-config.js';
import { readSiteSettings, SETTINGS_FILES } from './site-config.js';
import { SITE_LAYOUTS } from './site-layouts.js';

const AUTHORS_FILES = Object.values(SITE_LAYOUTS).flatMap((layout) => layout.authorsFile ?? []);

export interface InitOptions {
  /** The site's root folder; default: the process's working directory. */
  dir?: string;
}

export async function init(options: InitOptions = {}): Promise<InitialConfig> {
  const dir = path.resolve(options.dir ?? process.cwd());
  const site = await readSiteFiles(dir, { files: [...DETECTION_FILES, ...SETTINGS_FILES, ...AUTHORS_FILES], folders: DETECTION_FOLDERS });
  const detection = detectGenerator(site);
  const settings = readSiteSettings(detection, site);
  // Where posts may be depends on the generator, and for Jekyll on its config: a second look.
  // A folder counts as holding posts when it has a file the generator's convention reads as one.
  const folders = await readSiteFiles(dir, {
    folders: settings.postsFolders ?? SITE_LAYOUTS[detection.generator].postsFolders,
    postExtensions: CONVENTIONS[detection.generator].extensions,
  });
  return initialConfig(detection, settings, new Map([...site, ...folders]), path.basename(dir));
}
