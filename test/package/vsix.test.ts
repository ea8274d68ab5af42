// The .vsix as the Extensions view shows it: `vsce package` with the flags of `npm run package`, unpacked here (a
// .vsix is a zip; read with zlib, no unzip tool needed). Every image and link of the packaged README must resolve
// inside the package or be an absolute URL, the icon must be a PNG of the declared size, and the manifest must carry
// the Marketplace metadata.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { test } from 'node:test';
import { withZip } from '../../src/node/zip';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** Entries of a zip file by name (stored or deflated), read with the product's own zip reader. */
function readZip(path: string): Map<string, Buffer> {
  const limit = 256 << 20;
  const read = withZip(path, limit, (zip) => [...zip.entries()].map((entry) => ({ entry, data: zip.read(entry, limit) })));
  assert.ok(read, 'not a zip file');
  const out = new Map<string, Buffer>();
  for (const { entry, data } of read) {
    assert.ok(data, entry.name);
    assert.equal(data.length, entry.size, entry.name);
    out.set(entry.name, data);
  }
  return out;
}

/** Image sources and link targets of a Markdown text (inline links, images, HTML img/a), outside code. */
function references(markdown: string): string[] {
  const text = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  const refs: string[] = [];
  for (const m of text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) refs.push(m[1]);
  for (const m of text.matchAll(/<(?:img|a)\b[^>]*?\b(?:src|href)="([^"]+)"/gi)) refs.push(m[1]);
  for (const m of text.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm)) refs.push(m[1]);
  return refs;
}

function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, '').replace(/\s/g, '-');
}

test('the packaged README\'s images and links all resolve inside the .vsix or are absolute URLs', () => {
  if (!existsSync(join(root, 'dist/extension.js'))) execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'ignore' });
  const flags = (/vsce package (.*?) --out/.exec(pkg.scripts.package) ?? [])[1];
  assert.ok(flags?.includes('--no-rewrite-relative-links'), pkg.scripts.package);
  const vsix = join(mkdtempSync(join(tmpdir(), 'ml-pins-vsix-')), 'ml-pins.vsix');
  execFileSync(join(root, 'node_modules/.bin/vsce'), ['package', ...flags.split(/\s+/), '--out', vsix], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const zip = readZip(vsix);
  const inExtension = (path: string) => zip.has(`extension/${path}`);

  const readmeEntry = [...zip.keys()].find((k) => /^extension\/readme\.md$/i.test(k));
  assert.ok(readmeEntry, [...zip.keys()].join('\n'));
  const readme = zip.get(readmeEntry)!.toString('utf8');
  const refs = references(readme);
  assert.ok(refs.length >= 6, refs.join(' '));
  const anchors = new Set([...readme.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => slug(m[1])));
  const broken: string[] = [];
  for (const ref of refs) {
    if (/^https:\/\//.test(ref)) continue;
    if (ref.startsWith('#')) { if (!anchors.has(ref.slice(1))) broken.push(`${ref} (no such heading)`); continue; }
    if (/^[a-z][a-z0-9+.-]*:/i.test(ref)) { broken.push(`${ref} (not https)`); continue; }
    const path = posix.normalize(decodeURIComponent(ref.split('#')[0]));
    if (path.startsWith('..') || path.startsWith('/') || !inExtension(path)) broken.push(ref);
  }
  assert.deepEqual(broken, []);
  for (const image of refs.filter((r) => /\.(png|jpe?g|gif|svg)$/i.test(r))) {
    assert.ok(/^https:\/\//.test(image) || zip.get(`extension/${image}`)!.subarray(1, 4).toString() === 'PNG', image);
  }

  // The icon: a PNG in the package, 128x128 or larger and square.
  const icon = zip.get(`extension/${pkg.icon}`);
  assert.ok(icon, `icon ${pkg.icon} is not in the .vsix`);
  assert.equal(icon.subarray(1, 4).toString(), 'PNG');
  const [w, h] = [icon.readUInt32BE(16), icon.readUInt32BE(20)];
  assert.ok(w === h && w >= 128, `${w}x${h}`);

  // The manifest the Marketplace reads.
  const manifest = JSON.parse(zip.get('extension/package.json')!.toString('utf8'));
  assert.match(manifest.repository.url, /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+(\.git)?$/);
  assert.deepEqual(manifest.categories, ['Linters', 'Machine Learning']);
  assert.equal(manifest.qna, false);
  assert.equal(manifest.pricing, 'Free');
  assert.deepEqual(manifest.extensionKind, ['workspace']);
  assert.match(manifest.galleryBanner.color, /^#[0-9a-f]{6}$/i);
  assert.ok(manifest.keywords.length >= 10 && manifest.keywords.length <= 30);
  const untrusted = manifest.capabilities.untrustedWorkspaces;
  assert.equal(untrusted.supported, 'limited');
  for (const name of ['mlPins.ruleFiles', 'mlPins.installCommand']) assert.ok(untrusted.restrictedConfigurations.includes(name), name);
  for (const name of untrusted.restrictedConfigurations) assert.ok(untrusted.description.includes(name), `the description names ${name}`);
  assert.equal(manifest.capabilities.virtualWorkspaces.supported, 'limited');

  // The Get Started walkthrough: its media are in the package, its links name the package's commands (or the Problems view).
  const walkthrough = manifest.contributes.walkthroughs[0] as { steps: { description: string; media: { image?: string; markdown?: string } }[] };
  const commands = new Set((manifest.contributes.commands as { command: string }[]).map((c) => c.command).concat('workbench.actions.view.problems'));
  for (const step of walkthrough.steps) {
    const media = step.media.image ?? step.media.markdown!;
    assert.ok(inExtension(media), `walkthrough media ${media} is not in the .vsix`);
    if (step.media.image) assert.equal(zip.get(`extension/${media}`)!.subarray(1, 4).toString(), 'PNG', media);
    const links = [...step.description.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]);
    assert.ok(links.length, step.description);
    for (const id of links) assert.ok(commands.has(id), `the walkthrough links to ${id}`);
  }

  // Lean: no sources, tests, maps or node_modules.
  const stray = [...zip.keys()].filter((k) => /^extension\/(src|test|node_modules|scripts|bench)\/|\.map$|\.ts$/.test(k));
  assert.deepEqual(stray, []);
});
