// numpy: pyproject.toml [project] (meson builds, 1.26 on); before that setup.py, whose setup() is called with a
// metadata dict inside setup_package(), so its one `python_requires='…'` literal is read directly. numpy declares no
// Requires-Dist. Development tags (vX.Y.0.dev0, branch points) are not releases.
import type { SourceExtractor } from '../extractor';
import { normalSpecifier, readProject, releaseTagVersion } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'numpy',
  repository: 'numpy/numpy',
  version: (tag) => releaseTagVersion(tag),
  extract: (ctx) => {
    const pyproject = ctx.show('pyproject.toml');
    if (pyproject && /^\[project\]/m.test(pyproject)) return readProject(ctx);
    const setupPy = ctx.show('setup.py');
    if (setupPy === undefined) return undefined;
    const literals = [...setupPy.matchAll(/python_requires\s*=\s*(['"])([^'"]*)\1/g)].map((m) => m[2]);
    const unknown = { source: ctx.cite('setup.py') };
    if (/install_requires|extras_require/.test(setupPy) || new Set(literals).size > 1) return unknown;
    if (!literals.length && /python_requires/.test(setupPy)) return unknown; // computed, not a literal
    const requiresPython = literals.length ? normalSpecifier(literals[0]) : '';
    if (requiresPython === null) return unknown;
    return { requires_python: requiresPython, requires_dist: [], source: ctx.cite('setup.py') };
  },
};
export default extractor;
