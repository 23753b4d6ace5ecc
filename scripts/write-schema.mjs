// Writes postfeed.schema.json from the compiled config schema: `npm run schema`.
import { writeFileSync } from 'node:fs';
import { configJsonSchema } from '../lib/config/json-schema.js';

writeFileSync(new URL('../postfeed.schema.json', import.meta.url), `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
