// Adversarial inputs whose cost must stay near-linear: used by the bench (bench/index.mts, timed) and by the unit
// tests (test/adversarial/cost.test.ts, correctness only). Each returns the files of an in-memory project.

export type Files = Record<string, string>;

/** requirements-0.txt includes requirements-1.txt ... down to requirements-{n-1}.txt. */
export function includeChain(n: number): Files {
  const files: Files = {};
  for (let i = 0; i < n; i++) files[`requirements-${i}.txt`] = `${i + 1 < n ? `-r requirements-${i + 1}.txt\n` : ''}package-${i}>=1.${i % 10}\n`;
  return files;
}

/** One requirement with n `!=` clauses. */
export function manyExclusions(n: number): Files {
  const clauses = Array.from({ length: n }, (_, i) => `!=1.${Math.floor(i / 100)}.${i % 100}`);
  return { 'requirements.txt': `numpy${clauses.join(',')}\ntorch${clauses.slice(0, Math.min(n, 200)).join(',')}\n` };
}

/** n PEP 735 dependency groups, each including the next, the last including the first. */
export function groupRing(n: number): Files {
  const lines = ['[project]', 'name = "ring"', 'version = "1"', '', '[dependency-groups]'];
  for (let i = 0; i < n; i++) lines.push(`g${i} = ["package-${i}>=1", {include-group = "g${(i + 1) % n}"}]`);
  return { 'pyproject.toml': `${lines.join('\n')}\n` };
}

/** A pyproject.toml with about n keys in one table (besides a real dependency list). */
export function manyKeys(n: number): Files {
  const parts = ['[project]\nname = "keys"\nversion = "1"\ndependencies = ["diffusers>=0.21.0"]\n\n[tool.other]\n'];
  for (let i = 0; i < n; i++) parts.push(`k${i} = ${i}\n`);
  return { 'pyproject.toml': parts.join('') };
}
