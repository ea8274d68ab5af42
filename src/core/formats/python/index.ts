// The Python file format: setup.py and install scripts (`setup(install_requires=[...])`, module-level requirement
// lists, pip run through subprocess or os.system).
import { insertIntoStringList } from '../edits';
import { commandEdit, commandEnd, commandEnvironments, commandIndexFixes, PIP_INSTALL } from '../script';
import type { ManifestFormat } from '../types';
import { parsePythonFile } from './parse';

export { parsePythonFile } from './parse';

/**
 * `setup.py` and any name containing setup, install, requirement, deps or dependencies (`setup_ai_models.py`,
 * `install_gpu.py`, `requirements.py`, `get_deps.py`). Test modules (`test_*.py`, `*_test.py`, `conftest.py`) are
 * left out: their lists are fixtures, not the project's pins.
 */
function isInstallPython(name: string): boolean {
  if (!name.endsWith('.py')) return false;
  if (name.startsWith('test_') || name.endsWith('_test.py') || name === 'conftest.py') return false;
  return /setup|install|requirement|deps|dependencies/.test(name.slice(0, -3));
}

export const pythonFormat: ManifestFormat = {
  kind: 'python',
  matches: (name) => isInstallPython(name),
  byExtension: (name) => name.endsWith('.py'),
  globs: ['**/*setup*.py', '**/*install*.py', '**/*requirement*.py', '**/*deps*.py', '**/*dependencies*.py'],
  pathPattern: '(?!test_)(?![^/]*_test\\.py$)(?!conftest\\.py$)[^/]*(setup|install|requirement|deps|dependencies)[^/]*\\.py',
  label: 'setup scripts',
  parse: parsePythonFile,
  environments: (manifest, ctx) => commandEnvironments(manifest, ctx, false),
  installer: () => ({ name: 'pip', evidence: 'pip run from Python' }),
  includes: 'commands',
  crossFileRole: (path) => (path.slice(path.lastIndexOf('/') + 1) === 'setup.py' ? 'metadata' : 'plain'),
  scopes: {
    'pip-install': { ...PIP_INSTALL, indexFixes: commandIndexFixes(true) },
    'python-list': { crossFile: true, insertAfter: (manifest, text, anchor, req) => insertIntoStringList(text, manifest.path, anchor, req) },
  },
  projectInstallIndexEdit: (manifest, text, install, url) => commandEdit(manifest, text, commandEnd(manifest, install.block, install.range), url, true),
};
