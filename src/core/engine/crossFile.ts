// Findings that compare manifests of one project with each other: a package pinned in two files to versions that do
// not overlap (`inconsistent-pins`), and which files of a folder tree are installed together and so compared at all.
import { formatOf, scopeTraits } from '../formats';
import { VersionSet } from '../pep440/intervals';
import { dirName, fileName } from '../paths';
import type { Fix, ParsedManifest, Requirement } from '../types';
import { applySeverity, type CheckSettings } from './config';
import { replaceSpecifier } from './edits';
import type { PlacedFinding } from './evaluate';
import { displayName } from './messages';

/** A package pinned to sets that cannot meet in two manifests of one project: reported at both places. */
export function crossFileConflicts(manifests: ParsedManifest[], settingsFor: (path: string) => CheckSettings, texts: Map<string, string>): PlacedFinding[] {
  if (manifests.length < 2) return []; // pins are compared across files only
  const code = 'inconsistent-pins';
  const partners = comparablePartners(manifests);
  const byName = new Map<string, { path: string; req: Requirement; set: VersionSet }[]>();
  const sets = new Map<string, VersionSet>(); // one set per distinct specifier: big projects repeat the same pins
  for (const m of manifests) {
    for (const req of m.requirements) {
      if (req.url || req.marker || !req.specifier || !scopeTraits(m.path, req).crossFile) continue;
      let set = sets.get(req.specifier);
      if (!set) sets.set(req.specifier, (set = VersionSet.fromSpecifierSet(withoutLocalLabels(req.specifier))));
      const list = byName.get(req.normalizedName) ?? [];
      list.push({ path: m.path, req, set });
      byName.set(req.normalizedName, list);
    }
  }
  const out: PlacedFinding[] = [];
  for (const [name, pins] of byName) {
    if (pins.length < 2) continue;
    // Disjointness is decided once per pair of distinct specifiers, not per pair of pins, and only for pins of files
    // that are compared (a workspace of a thousand unrelated folders compares nothing).
    const specIndex = new Map<string, number>();
    const byPath = new Map<string, number[]>();
    pins.forEach((p, i) => {
      if (!specIndex.has(p.req.specifier)) specIndex.set(p.req.specifier, specIndex.size);
      const list = byPath.get(p.path);
      if (list) list.push(i); else byPath.set(p.path, [i]);
    });
    if (specIndex.size < 2) continue;
    const disjoint = new Map<string, boolean>();
    const apart = (x: string, y: string) => {
      const key = x < y ? `${x}\u0000${y}` : `${y}\u0000${x}`;
      let d = disjoint.get(key);
      if (d === undefined) disjoint.set(key, (d = x !== y && !sets.get(x)!.intersects(sets.get(y)!)));
      return d;
    };
    for (const a of pins) {
      // The first 20 pins in other files that cannot meet this one, in the order of their specifiers' first
      // appearance, then of the pins (stopping there: a large project has thousands).
      const candidates: number[] = [];
      for (const partner of partners.get(a.path) ?? []) {
        for (const i of byPath.get(partner) ?? []) if (apart(a.req.specifier, pins[i].req.specifier)) candidates.push(i);
      }
      if (!candidates.length) continue;
      candidates.sort((x, y) => specIndex.get(pins[x].req.specifier)! - specIndex.get(pins[y].req.specifier)! || x - y);
      const others = candidates.slice(0, 20).map((i) => pins[i]);
      if (!others.length) continue;
      const severity = applySeverity(code, 'warning', settingsFor(a.path), false);
      if (!severity) continue;
      const where = others.map((o) => `${o.req.text.trim()} in ${fileName(o.path)}`).join(', ');
      // The pin in pyproject.toml (else a requirement file) is taken as the project's intent: the others follow it.
      // Ties go to the first path, so two files never each ask the other to follow them (fix would swap them forever).
      const canonical = [a, ...others].sort((x, y) => authority(x.path) - authority(y.path) || (x.path < y.path ? -1 : x.path > y.path ? 1 : 0))[0];
      const fixes: Fix[] = [];
      if (canonical === a) {
        // From the pin the project treats as its intent: one edit in every other file that disagrees.
        fixes.push({ title: `Make the other pins of ${displayName(name)} agree with this one (${displayName(name)}${a.req.specifier})`, applicability: 'safe',
          edits: others.map((o) => replaceSpecifier(o.path, o.req, a.req.specifier, texts.get(o.path))) });
        if (others.length === 1) {
          fixes.push({ title: `Use the pin from ${fileName(others[0].path)} here: ${others[0].req.specifier}`, applicability: 'needs-review',
            edits: [replaceSpecifier(a.path, a.req, others[0].req.specifier, texts.get(a.path))] });
        }
      } else {
        fixes.push({ title: `Use the pin from ${fileName(canonical.path)}: ${displayName(name)}${canonical.req.specifier}`, applicability: 'safe',
          edits: [replaceSpecifier(a.path, a.req, canonical.req.specifier, texts.get(a.path))] });
      }
      out.push({
        path: a.path,
        finding: {
          code, severity, packages: [name], range: a.req.range, fixes,
          message: `${a.req.text.trim()} here cannot be installed together with ${where}: the same project pins ${displayName(name)} to versions that do not overlap.`,
          related: others.map((o) => ({ path: o.path, range: o.req.range, message: `${displayName(name)} pinned as ${o.req.text.trim()}` })),
          explanation: 'The same package is pinned in several manifests of this project (pyproject.toml, requirement files, setup scripts, Dockerfiles), and the pins admit no common version. Whichever file is used to install decides which version you get, so the environments drift apart. Pick one pin and make the others agree with it.',
        },
      });
    }
  }
  return out;
}

/**
 * `torch==2.1.0+cpu` in requirements-cpu.txt and `torch==2.1.0+cu121` in requirements-gpu.txt are the same release
 * built for two machines, not a disagreement: the comparison is on public versions.
 */
function withoutLocalLabels(specifier: string): string {
  return specifier.replace(/\+[A-Za-z0-9.]+(?=,|$)/g, '');
}

/**
 * Two manifests are one project when one sits in the other's folder or below it (pyproject.toml and
 * docker/Dockerfile); sibling folders (examples/a, examples/b; services/api, services/worker) are separate projects.
 */
function sameProject(a: string, b: string): boolean {
  const da = `${dirName(a)}/`;
  const db = `${dirName(b)}/`;
  return da.startsWith(db) || db.startsWith(da);
}

/**
 * Which manifests of a folder tree state pins for the same install. Real repositories hold many requirement files
 * that are never installed together (sub-apps, per-platform variants, docs builds), so two files are compared only
 * when one includes the other (-r/-c, a script's `pip install -r`), or when one is the package's own metadata
 * (pyproject.toml, setup.py, setup.cfg, Pipfile) and the other sits in its folder, or is a script, Dockerfile or
 * conda environment anywhere below it.
 */
function comparablePartners(manifests: ParsedManifest[]): Map<string, Set<string>> {
  const roles = new Map(manifests.map((m) => [m.path, formatOf(m).crossFileRole(m.path)]));
  const isMetadata = (p: string) => roles.get(p) === 'metadata';
  const installFileAnywhere = (p: string) => roles.get(p) === 'installer';
  const partners = new Map<string, Set<string>>();
  const pair = (a: string, b: string) => {
    if (a === b || !sameProject(a, b) || alternatives(a, b)) return;
    let s = partners.get(a);
    if (!s) partners.set(a, (s = new Set()));
    s.add(b);
    let t = partners.get(b);
    if (!t) partners.set(b, (t = new Set()));
    t.add(a);
  };
  for (const m of manifests) for (const inc of m.includes) if (inc.resolvedPath && roles.has(inc.resolvedPath)) pair(m.path, inc.resolvedPath);
  // The package's metadata and the files of its folder; and the scripts and conda environments anywhere below it
  // (found by walking up from each of them, so the cost is files x depth, not files x files).
  const metadataIn = new Map<string, string[]>();
  const filesIn = new Map<string, string[]>();
  for (const m of manifests) {
    const dir = dirName(m.path);
    (filesIn.get(dir) ?? filesIn.set(dir, []).get(dir)!).push(m.path);
    if (isMetadata(m.path)) (metadataIn.get(dir) ?? metadataIn.set(dir, []).get(dir)!).push(m.path);
  }
  for (const [dir, metas] of metadataIn) for (const meta of metas) for (const other of filesIn.get(dir)!) pair(meta, other);
  for (const m of manifests) {
    if (!installFileAnywhere(m.path)) continue;
    for (let dir = dirName(m.path); ; dir = dirName(dir)) {
      for (const meta of metadataIn.get(dir) ?? []) pair(meta, m.path);
      if (!dir || dirName(dir) === dir) break;
    }
  }
  return partners;
}

/** Words in file names that mark one of several alternative installs (per accelerator, OS, platform, Python). */
const VARIANT_WORD = /^(cpu|gpu|cuda\d*|cu\d+\w*|rocm[\d.]*|hip|xpu|ipex|amd|nvidia|intel|apple|mac|macos|osx|darwin|mps|metal|win|windows|win32|win64|linux|ubuntu|debian|docker|runpod|colab|kaggle|noavx2?|avx2?|directml|dml|arm|arm64|aarch64|x86|x64|jetson|tpu|npu|onnx|onnxruntime|trt|tensorrt|openvino|vulkan|py\d+|python\d+|torch\d+|pt\d+|tf\d+)$/;

/**
 * `requirements_linux_rocm.txt` and `requirements_linux.txt`, `requirements-cpu.txt` and `requirements-gpu.txt`:
 * files whose names differ by such words are alternatives that are never installed together.
 */
function alternatives(a: string, b: string): boolean {
  const words = (p: string) => new Set(fileName(p).toLowerCase().replace(/\.[a-z]+$/, '').split(/[^a-z0-9]+/).filter(Boolean));
  const wa = words(a);
  const wb = words(b);
  for (const w of wa) if (!wb.has(w) && VARIANT_WORD.test(w)) return true;
  for (const w of wb) if (!wa.has(w) && VARIANT_WORD.test(w)) return true;
  return false;
}

/** Lower is more authoritative for the project's intended pins. */
function authority(path: string): number {
  const name = fileName(path);
  if (name === 'pyproject.toml') return 0;
  if (/^requirements.*\.(txt|in)$/.test(name)) return 1;
  if (name === 'setup.cfg' || name === 'setup.py') return 2;
  return 3;
}
