// The hover builder on real manifests checked by the real engine: short, the pin's allowed set and pick, each
// finding's one-line why and fix with a link to its rule page, code spans without escapes, and no evidence dump.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkProject, knowledgeFrom } from '../../src/core/engine/check';
import { declaredMetadataHooks } from '../../src/core/engine/resolution';
import { resolveEnvironments } from '../../src/cli/resolve';
import { memoryProvider } from '../../src/core/metadata/provider';
import type { PackageMetadata } from '../../src/core/metadata/types';
import { bundledFamilies } from '../../src/core/rules/bundled';
import { NodeMetadata } from '../../src/node/metadata';
import { code, hoverMarkdown, type HoverContext } from '../../src/server/hover';
import { check, ROOT } from '../core/engine/helpers';

const seed = join(__dirname, '..', '..', 'examples', 'seed-project');
const seedFiles = Object.fromEntries(['pyproject.toml', 'requirements.txt', 'setup_ai_models.py', 'server-setup.sh']
  .map((f) => [f, readFileSync(join(seed, f), 'utf8')]));
const metadata = new NodeMetadata(join(__dirname, '..', '..', 'metadata'));
const ruleLink = (c: string) => `https://example.invalid/rules/${c}.md`;

async function hoverOn(files: Record<string, string>, file: string, line: number, character: number, ctx: HoverContext = { metadata, ruleLink }) {
  const result = await check(files);
  const report = result.files.find((f) => f.path === `${ROOT}/${file}`)!;
  return { hover: hoverMarkdown(result, report.path, { line, character }, report.findings, ctx), findings: report.findings };
}

/** The code spans of a Markdown text. */
const spans = (md: string) => [...md.matchAll(/(`+)(.+?)\1/g)].map((m) => m[2]);

test('hover on a flagged pin: what it allows, what a new install picks, why and fix, Sources; nothing repeated', async () => {
  const line = seedFiles['pyproject.toml'].split('\n').findIndex((l) => l.includes('diffusers>=0.21.0'));
  const { hover, findings } = await hoverOn(seedFiles, 'pyproject.toml', line, 8);
  const md = hover!.value;
  assert.match(md, /^\*\*diffusers\*\* `diffusers>=0\.21\.0`/);
  assert.match(md, /Allows `0\.21\.0` and later; a new install today would pick `[\d.]+`/);
  assert.match(md, /\*\*Warning\*\* \(`hf-hub-cached-download`\): diffusers before 0\.29\.0 imports `cached_download`, which huggingface_hub 0\.26\.0 removed\. \[Sources\]\(https:\/\/example\.invalid\/rules\/hf-hub-cached-download\.md\)/);
  // The merged reason (same fix) gets its own line and link.
  assert.match(md, /\(`hf-hub1-hffolder-diffusers`\).*\[Sources\]\(https:\/\/example\.invalid\/rules\/hf-hub1-hffolder-diffusers\.md\)/);
  assert.match(md, /\*\*Fix:\*\* Require diffusers>=0\.29\.0\./);
  // VS Code shows the diagnostic's message above the hover: it is not repeated, nor the explanation or the evidence.
  const finding = findings.find((f) => f.code === 'hf-hub-cached-download')!;
  assert.ok(!md.includes(finding.message.slice(0, 40)), md);
  assert.ok(!md.includes('What breaks'), md);
  assert.doesNotMatch(md, /[0-9a-f]{10,}/, 'no commit hashes');
  assert.ok(md.split('\n').length <= 12, `${md.split('\n').length} lines:\n${md}`);
});

test('hover: code spans show requirements exactly (no Markdown escapes)', async () => {
  const lines = seedFiles['pyproject.toml'].split('\n');
  for (const needle of ['torch==2.2.0+rocm5.7', 'diffusers>=0.21.0', 'numpy>=1.24.0,<2.0']) {
    const { hover } = await hoverOn(seedFiles, 'pyproject.toml', lines.findIndex((l) => l.includes(needle)), 8);
    assert.ok(spans(hover!.value).includes(needle), hover!.value);
    for (const s of spans(hover!.value)) assert.ok(!s.includes('\\'), `escape inside a code span: ${s}`);
  }
  assert.equal(code('a`b'), '``a`b``');
  assert.equal(code('`x'), '`` `x ``');
});

test('hover: an unflagged pin links its PyPI page; without a rule link the code is named', async () => {
  const files = { 'requirements.txt': 'requests>=2.31.0\ndiffusers>=0.21.0\n' };
  const plain = (await hoverOn(files, 'requirements.txt', 0, 2)).hover!.value;
  assert.match(plain, /\[requests on PyPI\]\(https:\/\/pypi\.org\/project\/requests\/\)/);
  assert.doesNotMatch(plain, /---/);
  const noLinks = (await hoverOn(files, 'requirements.txt', 1, 2, { metadata, ruleLink: () => undefined })).hover!.value;
  assert.match(noLinks, /\(`hf-hub-cached-download`\)/);
  assert.doesNotMatch(noLinks, /\[Sources\]/);
});

test('hover: the newest release, and the newest that fits the other pins by what releases declare', async () => {
  const pkg = (name: string, releases: [string, string[]][], registryNewest?: string): PackageMetadata => ({
    format: 1, name, snapshot_date: '2026-01-02', complete_through: releases[releases.length - 1][0],
    ...(registryNewest ? { registry_newest: registryNewest } : {}),
    releases: releases.map(([v, deps]) => ({ versions: [v], requires_dist: deps, source: 'test' })),
  });
  const provider = memoryProvider([
    pkg('visionlib', [['1.0.0', ['corelib==1.0.0']], ['2.0.0', ['corelib==2.0.0']], ['3.0.0', ['corelib==3.0.0']]], '3.1.0'),
    pkg('corelib', [['1.0.0', []], ['2.0.0', []], ['3.0.0', []]]),
  ]);
  const hover = async (text: string, line: number) => {
    const result = await checkProject({ files: [{ path: `${ROOT}/requirements.txt`, text }], knowledge: knowledgeFrom(bundledFamilies, provider) });
    return hoverMarkdown(result, `${ROOT}/requirements.txt`, { line, character: 1 }, result.files[0].findings, { metadata: provider, ruleLink })!.value;
  };
  // visionlib open next to corelib==2.0.0: a new install would pick 3.1.0 (listed by the registry, newer than the
  // snapshot describes), and 2.0.0 is the newest release whose declared requirement fits corelib==2.0.0.
  const open = await hover('visionlib>=1.0\ncorelib==2.0.0\n', 0);
  assert.match(open, /a new install today would pick `3\.1\.0`, the newest release \(as of 2026-01-02\)/);
  assert.match(open, /Newest that fits the other pins: `2\.0\.0`\./);
  // The other direction: corelib open, visionlib pinned to 1.0.0 (which declares corelib==1.0.0).
  assert.match(await hover('corelib>=1.0\nvisionlib==1.0.0\n', 0), /Newest that fits the other pins: `1\.0\.0`/);
  // Everything fits: nothing more is said than the pick.
  assert.doesNotMatch(await hover('corelib>=1.0\n', 0), /fits/);
  // A pin beyond the snapshot: the hover says what the snapshot does not know.
  assert.match(await hover('corelib>=4.0\n', 0), /Every version this pin allows is newer than the knowledge snapshot \(2026-01-02\)/);
});

test('hover: what a new install picks is the resolver\'s pick (bare torch next to torchvision==0.17.0 takes torch 2.2.0)', async () => {
  // A metadata folder with torch and torchvision as the issue tells it: torchvision 0.17.0 declares torch==2.2.0.
  const dir = mkdtempSync(join(tmpdir(), 'ml-pins-hover-'));
  const rel = (v: string, deps: string[] = []) => ({ versions: [v], requires_dist: deps, source: 'test' });
  const packages: PackageMetadata[] = [
    { format: 1, name: 'torch', snapshot_date: '2026-12-06', complete_through: '2.4.0', releases: [rel('2.1.0'), rel('2.2.0'), rel('2.3.1'), rel('2.4.0')] },
    { format: 1, name: 'torchvision', snapshot_date: '2026-12-06', complete_through: '0.19.0', releases: [rel('0.16.0', ['torch==2.1.0']), rel('0.17.0', ['torch==2.2.0']), rel('0.19.0', ['torch==2.4.0'])] },
  ];
  mkdirSync(join(dir, 'packages'));
  for (const p of packages) writeFileSync(join(dir, 'packages', `${p.name}.json`), JSON.stringify(p));
  writeFileSync(join(dir, 'snapshot.json'), JSON.stringify({ format: 1, snapshot_date: '2026-12-06', packages: Object.fromEntries(packages.map((p) => [p.name, { complete_through: p.complete_through, releases: p.releases.length }])) }));
  const snapshot = new NodeMetadata(dir);
  const hooks = declaredMetadataHooks((n) => snapshot.get(n));
  const path = `${ROOT}/requirements.txt`;
  const checked = (text: string) => checkProject({ ...hooks, files: [{ path, text }], knowledge: knowledgeFrom(bundledFamilies, snapshot), settings: {} });
  const result = await checked('torch\ntorchvision==0.17.0\n');
  const ctx: HoverContext = { metadata: snapshot, ruleLink, resolution: hooks.resolution };
  const md = hoverMarkdown(result, path, { line: 0, character: 2 }, result.files[0].findings, ctx)!.value;
  assert.match(md, /Allows any version; a new install today would pick `2\.2\.0`/);
  // The same pick as `ml-pins resolve` makes for this environment…
  const [resolved] = await resolveEnvironments(result.environments, { offline: true, format: 'json', display: (p) => p, metadataDir: dir });
  assert.equal(resolved.resolution?.torch, '2.2.0');
  // …and not the newest release the pin allows (2.4.0), which the hover said before it read the resolution.
  const alone = hoverMarkdown(result, path, { line: 0, character: 2 }, result.files[0].findings, { metadata: snapshot, ruleLink })!.value;
  assert.match(alone, /would pick `2\.4\.0`/);
  // An environment pip cannot install says so instead of naming a pick.
  const broken = await checked('torch>=2.3\ntorchvision==0.17.0\n');
  assert.match(hoverMarkdown(broken, path, { line: 0, character: 2 }, broken.files[0].findings, ctx)!.value, /a new install today fails: pip cannot install these pins together/);
});

test('hover on a pin whose resolution takes a release the snapshot does not describe: said so, with the warning', async () => {
  // meta-math/MetaMath's transformers>=4.34.0 next to tokenizers==0.13.3 (test/fixtures/real-projects/broken/metamath).
  const hooks = declaredMetadataHooks((n) => metadata.get(n));
  const path = `${ROOT}/requirements.txt`;
  const result = await checkProject({ ...hooks, files: [{ path, text: 'transformers>=4.34.0\ntokenizers==0.13.3\n' }], knowledge: knowledgeFrom(bundledFamilies, metadata), settings: {} });
  const md = hoverMarkdown(result, path, { line: 0, character: 2 }, result.files[0].findings, { metadata, ruleLink, resolution: hooks.resolution })!.value;
  assert.match(md, /Allows `4\.34\.0` and later; a new install today would take a release the snapshot does not describe \(not listed, or listed without its requirements\)\./);
  assert.match(md, /\*\*Warning\*\* \(`resolution-conflict-known`\): pip cannot install these requirements together with any release the snapshot describes\. \[Sources\]\(https:\/\/example\.invalid\/rules\/resolution-conflict-known\.md\)/);
  assert.match(md, /\*\*Fix:\*\* Upgrade transformers and tokenizers to the newest set that installs together/);
  // 4.47.0, listed without its requirements, is not named as fitting the tokenizers pin: that is not known.
  assert.doesNotMatch(md, /4\.47\.0/);
});
