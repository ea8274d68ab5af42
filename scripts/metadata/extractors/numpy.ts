// numpy: pyproject.toml [project] (meson builds, 1.26 on); before that setup.py, whose setup() is called with a
// metadata dict inside setup_package(), so its one `python_requires='…'` literal is read directly. numpy declares no
// Requires-Dist. Development tags (vX.Y.0.dev0, branch points) are not releases.
import { normalSpecifier, projectElseSetupPy, pythonRequiresLiterals } from '../python-literals';

export default projectElseSetupPy('numpy', 'numpy/numpy', (setupPy, source) => {
  const literals = pythonRequiresLiterals(setupPy);
  const unknown = { source };
  if (/install_requires|extras_require/.test(setupPy) || new Set(literals).size > 1) return unknown;
  if (!literals.length && /python_requires/.test(setupPy)) return unknown; // computed, not a literal
  const requiresPython = literals.length ? normalSpecifier(literals[0]) : '';
  if (requiresPython === null) return unknown;
  return { requires_python: requiresPython, requires_dist: [], source };
});
