// Runs all cases of test/fixtures/conformance/reqfile.json (computed by running pip's own parser) through
// loadRequirementTree on real files in a temp dir, and compares requirements and pip's global options.
import { CONFORMANCE } from '../../conformance-data';
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  decodeRequirementsBytes, loadRequirementTree, pipIndexes, pipSettings, type RequirementTree,
} from '../../../src/core/formats/requirements';
import { markerToString, parseMarker } from '../../../src/core/pep508';
import type { Requirement } from '../../../src/core/types';

interface ExpectedRequirement {
  requirement: string;
  is_editable: boolean;
  constraint: boolean;
  name?: string | null;
  specifier?: string | null;
  extras?: string[];
  markers?: string | null;
  link?: string | null;
  hashes?: Record<string, string[]>;
  interpret_error?: { message: string };
}

interface Case {
  id: string;
  input?: string;
  input_hex?: string;
  filename?: string;
  files?: Record<string, string>;
  env?: Record<string, string>;
  constraint?: boolean;
  expected: {
    error?: { message: string };
    requirements?: ExpectedRequirement[];
    global_options?: {
      index_urls: string[];
      find_links: string[];
      no_index: boolean;
      trusted_hosts: string[];
      format_control: { no_binary: string[]; only_binary: string[] };
      prefer_binary: boolean;
    };
  };
}

const { cases } = JSON.parse(readFileSync(join(CONFORMANCE, 'reqfile.json'), 'utf8')) as { cases: Case[] };
const scratch = mkdtempSync(join(tmpdir(), 'reqfile-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Lays the case out on disk and loads it the way the extension does (bytes -> decode -> parse -> follow). */
async function load(c: Case): Promise<{ root: string; tree: RequirementTree }> {
  const root = join(scratch, c.id);
  mkdirSync(root, { recursive: true });
  for (const [name, content] of Object.entries(c.files ?? {})) {
    const full = join(root, name);
    if (name.endsWith('/')) mkdirSync(full, { recursive: true });
    else {
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
    }
  }
  const main = join(root, c.filename ?? 'requirements.txt');
  mkdirSync(dirname(main), { recursive: true });
  writeFileSync(main, c.input_hex !== undefined ? Buffer.from(c.input_hex, 'hex') : c.input ?? '');
  const readFile = async (path: string): Promise<string | undefined> => {
    if (!existsSync(path) || statSync(path).isDirectory()) return undefined;
    const decoded = decodeRequirementsBytes(readFileSync(path));
    assert.ok('text' in decoded, `${c.id}: cannot decode ${path}`);
    return decoded.text;
  };
  const tree = await loadRequirementTree(main, readFile, { env: c.env ?? {}, constraint: c.constraint });
  return { root, tree };
}

function allFindings(tree: RequirementTree) {
  return [...tree.findings, ...tree.manifests.flatMap((m) => m.findings)];
}

function clauses(specifier: string): string[] {
  return [...new Set(specifier.split(',').filter(Boolean))].sort();
}

function normalizedMarker(marker: string | undefined): string | null {
  if (marker === undefined) return null;
  const parsed = parseMarker(marker);
  assert.ok(parsed.ok, marker);
  return markerToString(parsed.value);
}

function hashesOf(req: Requirement): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const h of req.hashes ?? []) {
    const [algo, digest] = [h.slice(0, h.indexOf(':')), h.slice(h.indexOf(':') + 1)];
    (out[algo] ??= []).push(digest);
  }
  return out;
}

/** A comparable summary of one requirement: what pip knows about it. */
function summary(r: {
  name: string; specifier: string; extras: string[]; marker: string | null; url: string | null;
  hashes: Record<string, string[]>; editable: boolean; constraint: boolean;
}): string {
  return JSON.stringify({ ...r, specifier: clauses(r.specifier), extras: [...new Set(r.extras)].sort() });
}

function ours(req: Requirement): string {
  return summary({
    name: req.name, specifier: req.specifier, extras: req.extras, marker: normalizedMarker(req.marker),
    url: req.url ?? null, hashes: hashesOf(req), editable: req.editable ?? false, constraint: req.scope.kind === 'constraint',
  });
}

function theirs(req: ExpectedRequirement): string {
  return summary({
    name: req.name!, specifier: req.specifier ?? '', extras: req.extras ?? [], marker: req.markers ?? null,
    url: req.link ?? null, hashes: req.hashes ?? {}, editable: req.is_editable, constraint: req.constraint,
  });
}

describe('reqfile.json conformance', () => {
  test('there are 74 cases', () => assert.equal(cases.length, 74));

  for (const c of cases) {
    test(c.id, async () => {
      const { root, tree } = await load(c);
      const findings = allFindings(tree);
      if (c.expected.error) {
        assert.ok(findings.some((f) => f.severity === 'error'), `${c.id}: pip fails (${c.expected.error.message}); we report ${JSON.stringify(findings.map((f) => f.message))}`);
        return;
      }
      const expected = c.expected.requirements ?? [];
      // Requirements pip could not interpret must be flagged.
      const interpretErrors = expected.filter((r) => r.interpret_error);
      if (interpretErrors.length) {
        assert.ok(findings.some((f) => f.severity === 'error' || f.severity === 'warning'), `${c.id}: expected a finding for ${interpretErrors[0].interpret_error!.message}`);
      } else {
        assert.deepEqual(findings.filter((f) => f.severity === 'error').map((f) => f.message), [], `${c.id}: unexpected errors`);
      }
      // Named requirements match pip's (pip reads a file included twice twice; we read it once).
      const want = [...new Set(expected.filter((r) => !r.interpret_error && r.name).map(theirs))].sort();
      const got = [...new Set(tree.manifests.flatMap((m) => m.requirements).map(ours))].sort();
      assert.deepEqual(got, want, c.id);

      // Requirements that name no package: pip's link is the URL, or a file: URL of the local path.
      const unnamedWant = [...new Set(expected.filter((r) => !r.interpret_error && !r.name).map((r) => r.link!.replaceAll('{ROOT}', root)))].sort();
      const failed = new Set(interpretErrors.map((r) => r.requirement));
      const unnamedGot = [...new Set(tree.unnamed.filter((u) => !failed.has(u.target))
        .map((u) => (u.kind === 'url' || /^file:/.test(u.target) ? u.target : `file://${join(root, u.target)}`)))].sort();
      assert.deepEqual(unnamedGot, unnamedWant, `${c.id}: unnamed requirements`);

      const g = c.expected.global_options!;
      const settings = pipSettings(tree.manifests, (p) => existsSync(p));
      const fill = (s: string) => s.replaceAll('{ROOT}', root);
      assert.deepEqual(settings.indexUrls, g.index_urls, `${c.id}: index urls`);
      // The index options pip reads, as the environments take them: an included file's at its -r line.
      const { read } = pipIndexes(tree.manifests[0].path, new Map(tree.manifests.map((m) => [m.path, m])));
      assert.deepEqual(read.filter((i) => i.kind === 'index-url' || i.kind === 'extra-index-url').map((i) => i.url), g.index_urls, `${c.id}: index urls read`);
      assert.equal(read.some((i) => i.kind === 'no-index'), g.no_index, `${c.id}: no index read`);
      assert.deepEqual(settings.findLinks, g.find_links.map(fill), `${c.id}: find links`);
      assert.equal(settings.noIndex, g.no_index, `${c.id}: no index`);
      assert.deepEqual(settings.trustedHosts, g.trusted_hosts, `${c.id}: trusted hosts`);
      assert.deepEqual([...settings.noBinary].sort(), [...g.format_control.no_binary].sort(), `${c.id}: no binary`);
      assert.deepEqual([...settings.onlyBinary].sort(), [...g.format_control.only_binary].sort(), `${c.id}: only binary`);
      assert.equal(settings.preferBinary, g.prefer_binary, `${c.id}: prefer binary`);
    });
  }
});
