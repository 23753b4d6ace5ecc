// The JSON Schema of the config file, derived from ConfigSchema so the two cannot drift.
import { z } from 'zod';
import { ConfigSchema } from './schema.js';

export function configJsonSchema(): Record<string, unknown> {
  // io: 'input' describes what a user writes (defaults make keys optional), not the parsed result.
  return z.toJSONSchema(ConfigSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
}
