// pip-compile's input beside its output (`requirements.in` and the `requirements.txt` compiled from it, its header
// naming pip-compile or uv): the output is what installs. A break both files report is said once, on the output, with
// the input's pin as related information; the input keeps what only it has (its looser range allows a break the
// output does not install) and what it reports more severely (the next compile would break worse).
import { fileName } from '../paths';
import type { ParsedManifest } from '../types';
import { SEVERITY_RANK } from './config';
import type { PlacedFinding } from './evaluate';
import { lockingTool } from './hashes';

/** Input path -> the output compiled from it, for the pairs among `manifests`. */
export function compiledOutputs(manifests: ReadonlyMap<string, ParsedManifest>, texts: ReadonlyMap<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [path, m] of manifests) {
    if (m.kind !== 'requirements' || !path.endsWith('.in')) continue;
    const output = `${path.slice(0, -3)}.txt`;
    if (manifests.has(output) && lockingTool((texts.get(output) ?? '').slice(0, 2000))) out.set(path, output);
  }
  return out;
}

/** `placed` without the input's findings that its output reports as severely; those output findings relate the input's pin. */
export function withoutCompiledRepeats(placed: PlacedFinding[], outputs: ReadonlyMap<string, string>, manifests: ReadonlyMap<string, ParsedManifest>): PlacedFinding[] {
  if (!outputs.size) return placed;
  const key = (p: PlacedFinding) => `${p.finding.code}\u0000${[...p.finding.packages].sort().join(',')}`;
  const outputPaths = new Set(outputs.values());
  const onOutput = new Map<string, PlacedFinding[]>();
  for (const p of placed) {
    if (!outputPaths.has(p.path)) continue;
    const k = `${p.path}\u0000${key(p)}`;
    onOutput.set(k, [...onOutput.get(k) ?? [], p]);
  }
  return placed.filter((p) => {
    const output = outputs.get(p.path);
    const same = output === undefined ? undefined : onOutput.get(`${output}\u0000${key(p)}`)?.filter((o) => SEVERITY_RANK[o.finding.severity] <= SEVERITY_RANK[p.finding.severity]);
    if (!same?.length) return true;
    const r = p.finding.range;
    const pin = manifests.get(p.path)?.requirements.find((q) => q.range.start.line === r.start.line && q.range.start.character === r.start.character);
    const message = `compiled from ${fileName(p.path)}${pin ? `, which pins ${pin.text.trim()}` : ''}`;
    for (const o of same) {
      if (o.finding.related?.some((x) => x.path === p.path && x.range.start.line === r.start.line)) continue;
      o.finding = { ...o.finding, related: [...o.finding.related ?? [], { path: p.path, range: r, message }] };
    }
    return false;
  });
}
