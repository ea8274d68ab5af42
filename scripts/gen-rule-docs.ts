// Build step: one markdown page per rule code under docs/rules/, which diagnostics link to (readable offline,
// shipped in the .vsix), plus an index. Generated from rules/*.json, so the docs never drift from the rules.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { declaredTable } from '../src/core/metadata/declared-table';
import { messageCompanions } from '../src/core/metadata/derive';
import { BUILT_IN_RULES } from '../src/core/rules/builtin';
import { ruleCodes } from '../src/core/rules/codes';
import type { Rule, RuleFamily } from '../src/core/rules/types';
import { NodeMetadata } from '../src/node/metadata';

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const out = join(root, 'docs', 'rules');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });


// A requires rule whose rows are all gone speaks for facts the snapshot holds: its page shows them from there.
const snapshot = new NodeMetadata(join(root, 'metadata'));
const declared = (rule: Rule): string => {
  if (rule.kind !== 'requires' || rule.rows.length) return '';
  const pkg = snapshot.get(rule.package);
  return pkg ? messageCompanions(rule).map((dep) => `${declaredTable(pkg, dep)}\n`).join('') : '';
};

const families: RuleFamily[] = readdirSync(join(root, 'rules')).filter((f) => f.endsWith('.json')).sort()
  .map((f) => JSON.parse(readFileSync(join(root, 'rules', f), 'utf8')) as RuleFamily);

const page = (code: string, rule: Rule | undefined, family?: string): string => {
  if (!rule) return `# ${code}: ${BUILT_IN_RULES[code].title}\n\n${BUILT_IN_RULES[code].explanation}\n`;
  const ex = (list: Rule['examples']['fires']) => list.map((e) => `${e.description ? `*${e.description}*\n\n` : ''}${Object.entries(e.files)
    .map(([p, t]) => `\`${p}\`${e.severity ? ` (${e.severity})` : ''}:\n\n\`\`\`\n${t.trimEnd()}\n\`\`\``).join('\n\n')}`).join('\n\n');
  return `# ${code}: ${rule.title}\n\nFamily: ${family} · kind: \`${rule.kind}\` · failure: ${rule.failure}\n\n${rule.explanation}\n\n${declared(rule)}` +
    `## Sources\n\n${rule.sources.map((s) => `- ${s}`).join('\n')}\n\n## Reported\n\n${ex(rule.examples.fires)}\n\n## Not reported\n\n${ex(rule.examples.passes)}\n\n` +
    `Turn it off with \`disable = ["${code}"]\` under \`[tool.ml-pins]\`, or re-level it under \`[tool.ml-pins.rules]\`.\n`;
};

const index: string[] = ['# ML Pins rules', '', '| code | family | title |', '|---|---|---|'];
for (const family of families) {
  for (const rule of family.rules) {
    for (const code of ruleCodes(rule)) {
      writeFileSync(join(out, `${code}.md`), page(code, rule, family.family));
      index.push(`| [${code}](${code}.md) | ${family.family} | ${rule.title} |`);
    }
  }
}
for (const [code, builtIn] of Object.entries(BUILT_IN_RULES)) {
  writeFileSync(join(out, `${code}.md`), page(code, undefined));
  index.push(`| [${code}](${code}.md) | built in | ${builtIn.title} |`);
}
writeFileSync(join(out, 'README.md'), `${index.join('\n')}\n`);
