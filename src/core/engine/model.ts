// A model saved by a newer library than the pins allow will not load: `model_index.json` `_diffusers_version` or
// `config.json` `transformers_version` above every version an environment admits is a finding on that pin. The
// extension reads the version from the Hub; the finding is made here, like every other, so that disabled rules and
// severity overrides reach it.
import { VersionSet } from '../pep440/intervals';
import { applySeverity } from './config';
import type { CheckResult } from './check';
import type { PlacedFinding } from './evaluate';

export const MODEL_NEEDS_NEWER_LIBRARY = 'model-needs-newer-library';

/** `library` is a PEP 503 name; `version` what the model was saved with. None when the version does not parse. */
export function modelFindings(result: CheckResult, model: string, library: string, version: string): PlacedFinding[] {
  let needed: VersionSet;
  try {
    needed = VersionSet.fromSpecifierSet(`>=${version}`);
  } catch {
    return [];
  }
  const out: PlacedFinding[] = [];
  const seen = new Set<string>();
  for (const env of result.environments) {
    const pkg = env.packages.get(library);
    if (!pkg || pkg.admitted.intersects(needed)) continue;
    for (const pin of pkg.pins) {
      const key = `${pin.path}:${pin.requirement.range.start.line}:${pin.requirement.range.start.character}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const severity = applySeverity(MODEL_NEEDS_NEWER_LIBRARY, 'warning', result.settingsFor(pin.path), false);
      if (!severity) continue;
      out.push({ path: pin.path, finding: {
        code: MODEL_NEEDS_NEWER_LIBRARY, severity, packages: [library], range: pin.requirement.range, fixes: [],
        message: `${model} was saved with ${library} ${version}, but ${pin.requirement.text.trim()} allows no version that new.`,
      } });
    }
  }
  return out;
}
