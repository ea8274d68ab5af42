// Build step: one markdown page per rule code under docs/rules/, which diagnostics link to (readable offline,
// shipped in the .vsix), plus an index. Generated from rules/*.json, so the docs never drift from the rules.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ruleCodes } from '../src/core/rules/codes';
import type { Rule, RuleFamily } from '../src/core/rules/types';

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const out = join(root, 'docs', 'rules');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const BUILT_IN: Record<string, string> = {
  'inconsistent-pins': 'The same package is pinned in two manifests of one project (pyproject.toml, requirement files, setup scripts, Dockerfiles) to sets of versions that do not overlap. Whichever file installs decides what you get, so environments drift apart. Pick one pin and make the others agree; each finding points at the other places.',
  'conflicting-pins': 'Two requirements of one package in one environment (one file with what it includes, one `pip install` command, a pyproject\'s dependencies) allow no common version — `torchvision==0.15.2` next to `torchvision>=0.17.0`, or `torch===2.2.0` next to `torch==2.2.0+rocm5.7` — or one requirement allows none (`numpy>2,<1`). pip refuses the whole install (ResolutionImpossible). Reported at each pin that takes part; rules about that package are not evaluated until the pins agree, so no third package is blamed.',
  'installed-conflict': 'A package installed in the selected environment (`--environment`, or the interpreter VS Code uses) declares a requirement that another installed package does not meet, as `pip check` reports it: `torchvision 0.17.0 requires torch==2.2.0, but torch 2.3.0 is installed`. An exact pin that is not met is an error (such pins tie a compiled package to one release); a range, a warning. Requirements under a marker that the environment\'s Python or platform cannot decide are not judged. Reinstall the pinned set (`pip install -r requirements.txt`) or align the pins.',
  'installed-drift': 'The selected environment has a version of a pinned package that the pin does not allow: the environment is out of date with the manifest (information). Reinstall from the manifest to bring it in line.',
  'installed-missing': 'A package the manifest installs is not installed in the selected environment (information). Optional extras and dependency groups are not expected to be installed.',
  'toml-syntax': 'pyproject.toml is not valid TOML 1.0. The diagnostic sits where the parser stopped; nothing else in the file is checked until it parses.',
  'yaml-syntax': 'environment.yml is not valid YAML.',
  'requirement-syntax': 'A requirement is neither valid PEP 508 nor a pip requirement-file line. pip would reject the whole file; ML Pins flags the line and reads the rest.',
  'requirement-trailing-comma': 'A version specifier ends with a comma (`numpy>=1.24,<2.0,`). packaging 22 and later, and so current pip, read the comma as nothing; the packaging 21 that older pip releases vendor (pip 23.2, for one) rejects the requirement as invalid, and pip then rejects the whole file. Remove the comma (the quick fix does).',
  'unknown-option': 'pip does not know this option in a requirements file and rejects the whole file.',
  'include-missing': 'A `-r` / `-c` line names a file that does not exist (paths are relative to the including file).',
  'include-cycle': 'Requirement files include each other in a cycle.',
  'unreadable-file': 'The file is not text ML Pins can read (binary content or an encoding pip does not accept).',
  'pyproject-schema': 'A value in pyproject.toml has the wrong type for its key (for example `dependencies` as a string instead of an array).',
  'declared-requirement': 'A pinned release declares a requirement (`Requires-Dist` in its own metadata, read from the metadata snapshot that ships with ML Pins, see docs/metadata.md) that no version this environment admits meets, so pip refuses to install them together. Used where no curated rule names the pair; the finding cites the release the requirement comes from. Releases newer than the snapshot are unknown and never reported.',
  'declared-python-unsupported': 'The releases a pin admits do not install on the project\'s Python: their `Requires-Python` excludes it, or they publish no wheel for it (read from the metadata snapshot that ships with ML Pins, see docs/metadata.md). Used for packages no curated rule covers. Releases newer than the snapshot are unknown and never reported.',
  'config-invalid': '`[tool.ml-pins]` has a key or value ML Pins does not understand, or a rule file it names is invalid.',
};

const families: RuleFamily[] = readdirSync(join(root, 'rules')).filter((f) => f.endsWith('.json')).sort()
  .map((f) => JSON.parse(readFileSync(join(root, 'rules', f), 'utf8')) as RuleFamily);

const page = (code: string, rule: Rule | undefined, family?: string): string => {
  if (!rule) return `# ${code}\n\n${BUILT_IN[code]}\n`;
  const ex = (list: Rule['examples']['fires']) => list.map((e) => `${e.description ? `*${e.description}*\n\n` : ''}${Object.entries(e.files)
    .map(([p, t]) => `\`${p}\`${e.severity ? ` (${e.severity})` : ''}:\n\n\`\`\`\n${t.trimEnd()}\n\`\`\``).join('\n\n')}`).join('\n\n');
  return `# ${code}: ${rule.title}\n\nFamily: ${family} · kind: \`${rule.kind}\` · failure: ${rule.failure}\n\n${rule.explanation}\n\n` +
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
for (const code of Object.keys(BUILT_IN)) {
  writeFileSync(join(out, `${code}.md`), page(code, undefined));
  index.push(`| [${code}](${code}.md) | built in | ${BUILT_IN[code].split('.')[0]} |`);
}
writeFileSync(join(out, 'README.md'), `${index.join('\n')}\n`);
