// The conventions by name: the one list the config schema, the README and `postfeed init` share.
import { astro } from './astro.js';
import type { Convention } from './convention.js';
import { docusaurus } from './docusaurus.js';
import { eleventy } from './eleventy.js';
import { gatsby } from './gatsby.js';
import { hugo } from './hugo.js';
import { jekyll } from './jekyll.js';
import { next } from './next.js';
import { plain } from './plain.js';
import { zola } from './zola.js';

export const CONVENTIONS = { plain, jekyll, hugo, zola, astro, docusaurus, eleventy, gatsby, next } as const satisfies Record<string, Convention>;

export type ConventionName = keyof typeof CONVENTIONS;

export const CONVENTION_NAMES = Object.keys(CONVENTIONS) as [ConventionName, ...ConventionName[]];

export type { Convention, PostField, BodySyntax } from './convention.js';
