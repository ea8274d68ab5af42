// The flask, jinja2, markupsafe, itsdangerous and werkzeug extractors, on small tagged repositories shaped like the
// pallets ones: bare version tags beside branch tags (1.1.x), setup.py, then setup.cfg, then pyproject.toml [project];
// a tag whose sources name another version (itsdangerous 0.12) is left out.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import flask from '../../../scripts/metadata/extractors/flask';
import itsdangerous from '../../../scripts/metadata/extractors/itsdangerous';
import jinja2 from '../../../scripts/metadata/extractors/jinja2';
import markupsafe from '../../../scripts/metadata/extractors/markupsafe';
import werkzeug from '../../../scripts/metadata/extractors/werkzeug';
import { extractFromRepo } from '../../../scripts/metadata/from-source';
import { makeRepo, py, removeRepos } from './git-repo';

after(removeRepos);
const byVersion = <T extends { version: string }>(records: T[]) => new Map(records.map((r) => [r.version, r]));
const setupCfg = (name: string, requires: string[], python: string) => [
  '[metadata]', `name = ${name}`, `version = attr: ${name}.__version__`, '', '[options]', `python_requires = ${python}`,
  ...(requires.length ? ['install_requires =', ...requires.map((r) => `    ${r}`)] : []), ''].join('\n');

test('flask: setup.py lists, then setup.cfg, then pyproject.toml; branch tags are not releases', () => {
  const repo = makeRepo([
    { files: { 'setup.py': py('from setuptools import setup', 'setup(name="Flask", version="1.1.2",',
      '    install_requires=["Werkzeug>=0.15", "Jinja2>=2.10.1", "itsdangerous>=0.24", "click>=5.1"],',
      '    extras_require={"dotenv": ["python-dotenv"], "dev": ["pytest"]},',
      '    python_requires=">=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*, !=3.4.*")') }, tags: ['1.1.2', '1.1.x'] },
    { files: { 'setup.py': py('from setuptools import setup', 'setup(name="Flask",',
      '    install_requires=["Werkzeug >= 2.2.2", "Jinja2 >= 3.0", "itsdangerous >= 2.0", "click >= 8.0"],',
      '    extras_require={"async": ["asgiref >= 3.2"], "dotenv": ["python-dotenv"]})'),
      'setup.cfg': setupCfg('flask', [], '>= 3.7'), 'src/flask/__init__.py': '__version__ = "2.2.3"\n' }, tags: ['2.2.3'] },
    { files: { 'setup.py': null, 'setup.cfg': null, 'src/flask/__init__.py': '__version__ = "3.0.0"\n', 'pyproject.toml': [
      '[project]', 'name = "Flask"', 'version = "3.0.0"', 'requires-python = ">=3.8"',
      'dependencies = ["Werkzeug>=3.0.0", "Jinja2>=3.1.2", "itsdangerous>=2.1.2", "click>=8.1.3", "blinker>=1.6.2"]',
      '[project.optional-dependencies]', 'async = ["asgiref>=3.2"]', ''].join('\n') }, tags: ['3.0.0'] },
  ]);
  const r = byVersion(extractFromRepo(flask, repo));
  assert.deepEqual([...r.keys()].sort(), ['1.1.2', '2.2.3', '3.0.0']);
  assert.deepEqual(r.get('1.1.2')!.requires_dist, ['Werkzeug>=0.15', 'Jinja2>=2.10.1', 'itsdangerous>=0.24', 'click>=5.1', 'python-dotenv; extra == "dotenv"']);
  assert.equal(r.get('1.1.2')!.requires_python, '!=3.0.*,!=3.1.*,!=3.2.*,!=3.3.*,!=3.4.*,>=2.7');
  assert.deepEqual(r.get('2.2.3')!.requires_dist, ['Werkzeug>=2.2.2', 'Jinja2>=3.0', 'itsdangerous>=2.0', 'click>=8.0', 'asgiref>=3.2; extra == "async"', 'python-dotenv; extra == "dotenv"']);
  assert.equal(r.get('2.2.3')!.requires_python, '>=3.7');
  assert.equal(r.get('3.0.0')!.requires_python, '>=3.8');
  assert.deepEqual(r.get('3.0.0')!.requires_dist, ['Werkzeug>=3.0.0', 'Jinja2>=3.1.2', 'itsdangerous>=2.1.2', 'click>=8.1.3', 'blinker>=1.6.2', 'asgiref>=3.2; extra == "async"']);
  assert.equal(r.get('3.0.0')!.source, 'pallets/flask@3.0.0:pyproject.toml');
});

test('itsdangerous: a tag whose setup.py names the previous version is left out; complete from 0.13', () => {
  assert.equal(itsdangerous.completeFrom, '0.13');
  const repo = makeRepo([
    { files: { 'setup.py': py('from setuptools import setup', 'setup(name="itsdangerous", version="0.11", py_modules=["itsdangerous"])') }, tags: ['0.11', '0.12'] },
    { files: { 'setup.py': py('from setuptools import setup', 'setup(name="itsdangerous", version="0.13", py_modules=["itsdangerous"])') }, tags: ['0.13'] },
  ]);
  assert.deepEqual(extractFromRepo(itsdangerous, repo).map((x) => x.version).sort(), ['0.11', '0.13']);
});

test('jinja2, markupsafe, werkzeug: the requirements each declares, and where each listing is complete from', () => {
  assert.deepEqual([jinja2.completeFrom, markupsafe.completeFrom, werkzeug.completeFrom, flask.completeFrom], ['2.11.0', '0.12', '2.2.0', '0.11']);
  const jinja = makeRepo([{ files: { 'setup.py': py('from setuptools import setup', 'setup(name="Jinja2", version="2.11.3",',
    '    install_requires=["MarkupSafe>=0.23"], extras_require={"i18n": ["Babel>=0.8"]},',
    '    python_requires=">=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*, !=3.4.*")') }, tags: ['2.11.3', '2.11.x'] }]);
  const [j] = extractFromRepo(jinja2, jinja);
  assert.deepEqual([j.version, j.requires_dist], ['2.11.3', ['MarkupSafe>=0.23', 'Babel>=0.8; extra == "i18n"']]);
  const safe = makeRepo([{ files: { 'src/markupsafe/__init__.py': '__version__ = "3.0.2"\n', 'pyproject.toml': [
    '[project]', 'name = "MarkupSafe"', 'version = "3.0.2"', 'requires-python = ">=3.9"', ''].join('\n') }, tags: ['3.0.2'] }]);
  const [m] = extractFromRepo(markupsafe, safe);
  assert.deepEqual([m.version, m.requires_dist, m.requires_python], ['3.0.2', [], '>=3.9']);
  const werk = makeRepo([{ files: { 'setup.py': py('from setuptools import setup', 'setup(name="Werkzeug", install_requires=["MarkupSafe>=2.1.1"], extras_require={"watchdog": ["watchdog"]})'),
    'setup.cfg': setupCfg('werkzeug', [], '>= 3.7'), 'src/werkzeug/__init__.py': '__version__ = "2.2.3"\n' }, tags: ['2.2.3'] }]);
  const [w] = extractFromRepo(werkzeug, werk);
  assert.deepEqual([w.version, w.requires_dist, w.requires_python], ['2.2.3', ['MarkupSafe>=2.1.1', 'watchdog; extra == "watchdog"'], '>=3.7']);
});
