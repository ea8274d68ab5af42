// The rules' own text is read by ML engineers too: rule pages (docs/rules, generated from rules/*.json), hovers and
// the Settings editor. None of it uses the in-house words messages once used ("admits", "a fresh install"); the
// findings' messages are held to the same list in test/core/engine/messages.test.ts.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { genericRules } from '../../../src/core/metadata/derive';
import { BUILT_IN_RULES } from '../../../src/core/rules/builtin';
import { bundledFamilies } from '../../../src/core/rules/bundled';
import type { Rule } from '../../../src/core/rules/types';
import { SETTINGS } from '../../../src/core/settings';
import { IN_HOUSE } from '../engine/helpers';

const root = join(import.meta.dirname, '..', '..', '..');

/** Each in-house word in `text` (rule-message placeholders such as `{admitted:torch}` are names, not words). */
function inHouse(where: string, text: string): string[] {
  const words = text.replace(/\{[a-z-]+:[^}]*\}/g, '');
  return IN_HOUSE.filter(([word]) => word.test(words)).map(([word, plain]) => `${where}: "${word.exec(words)![0]}" (say "${plain}")`);
}

function ruleTexts(rule: Rule): [string, string][] {
  const out: [string, string][] = [['title', rule.title], ['explanation', rule.explanation]];
  if ('message' in rule && typeof rule.message === 'string') out.push(['message', rule.message]);
  for (const ex of [...(rule.examples?.fires ?? []), ...(rule.examples?.passes ?? [])]) if (ex.description) out.push(['example', ex.description]);
  return out;
}

test('rule titles, explanations, messages and example descriptions use plain words', () => {
  const problems: string[] = [];
  let texts = 0;
  for (const family of bundledFamilies) {
    for (const rule of family.rules) {
      for (const [field, text] of ruleTexts(rule)) { texts++; problems.push(...inHouse(`${rule.code} ${field}`, text)); }
    }
  }
  for (const rule of genericRules()) for (const [field, text] of ruleTexts(rule)) problems.push(...inHouse(`${rule.code} ${field}`, text));
  for (const [code, r] of Object.entries(BUILT_IN_RULES)) problems.push(...inHouse(`${code}`, `${r.title} ${r.explanation}`));
  assert.deepEqual(problems, []);
  assert.ok(texts > 300, `${texts} texts scanned`);
});

test('the generated rule pages and the settings descriptions use plain words', () => {
  const problems: string[] = [];
  const pages = readdirSync(join(root, 'docs', 'rules')).filter((f) => f.endsWith('.md'));
  assert.ok(pages.length > 50);
  for (const page of pages) {
    // Example manifests and settings are quoted as written (`admitted = "off"` is a setting's name).
    const prose = readFileSync(join(root, 'docs', 'rules', page), 'utf8').replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
    problems.push(...inHouse(`docs/rules/${page}`, prose));
  }
  for (const s of SETTINGS) problems.push(...inHouse(`setting ${s.setting ?? s.label}`, `${s.doc} ${s.description ?? ''} ${s.cli?.help ?? ''}`));
  assert.deepEqual(problems, []);
});
