// Build step: the table of settings in docs/settings.md is written from the settings schema (src/core/settings.ts),
// so the docs name every setting with its real default. The prose around the table is kept as it is.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { settingsTable } from '../src/core/settings';

const file = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', 'docs', 'settings.md');
const lines = readFileSync(file, 'utf8').split('\n');
const start = lines.findIndex((l) => l.startsWith('| VS Code setting |'));
if (start < 0) throw new Error('docs/settings.md: no table of settings (a line starting "| VS Code setting |")');
let end = start;
while (end < lines.length && lines[end].startsWith('|')) end++;
const next = [...lines.slice(0, start), settingsTable(), ...lines.slice(end)].join('\n');
if (next !== lines.join('\n')) writeFileSync(file, next);
