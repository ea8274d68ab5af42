// scipy: pyproject.toml [project] from 1.9 (meson). Before, setup.py computes its metadata inside setup_package():
// - 1.7-1.8: `numpy>={np_minversion},<{np_maxversion}` and `>={python_minversion},<{python_maxversion}` when the
//   module-level IS_RELEASE_BRANCH = True (the release branches), read from those literals;
// - earlier: one `numpy>=X` literal (install_requires, or build_requires used when building a wheel) and one
//   `python_requires='…'` literal.
// A release whose setup.py has another shape is recorded with its fields unknown.
import { normalSpecifier, projectElseSetupPy, pythonRequiresLiterals, readBuildFile } from '../python-literals';

const literal = (text: string, name: string) => text.match(new RegExp(`^\\s*${name}\\s*=\\s*['"]([^'"]+)['"]`, 'm'))?.[1];

export default projectElseSetupPy('scipy', 'scipy/scipy', (setupPy, source) => {
  const npMin = literal(setupPy, 'np_minversion'), npMax = literal(setupPy, 'np_maxversion');
  const pyMin = literal(setupPy, 'python_minversion'), pyMax = literal(setupPy, 'python_maxversion');
  if (npMin || pyMin) {
    if (!/^IS_RELEASE_BRANCH\s*=\s*True\s*$/m.test(setupPy) || !npMin || !npMax || !pyMin || !pyMax) return { source };
    const dist = readBuildFile('requirements', 'requirements.txt', `numpy>=${npMin},<${npMax}\n`).install_requires!;
    const py = normalSpecifier(`>=${pyMin},<${pyMax}`);
    return py === null ? { requires_dist: dist, source } : { requires_python: py, requires_dist: dist, source };
  }
  const numpy = new Set([...setupPy.matchAll(/['"](numpy\s*>=\s*[\d.]+)['"]/g)].map((m) => m[1].replace(/\s+/g, '')));
  const pys = new Set(pythonRequiresLiterals(setupPy));
  const out: { requires_python?: string; requires_dist?: string[]; source: string } = { source };
  if (pys.size === 1) { const py = normalSpecifier([...pys][0]); if (py !== null) out.requires_python = py; }
  else if (pys.size === 0 && !/python_requires/.test(setupPy)) out.requires_python = '';
  if (numpy.size === 1 && !/extras_require/.test(setupPy)) out.requires_dist = [...numpy];
  return out;
});
