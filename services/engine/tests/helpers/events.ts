/** Request samples under `tests/events/<source>/`, loaded by name. */
import { readFileSync } from 'node:fs';

export const loadEvent = (source: 'http', name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../events/${source}/${name}.json`, import.meta.url), 'utf8'));
