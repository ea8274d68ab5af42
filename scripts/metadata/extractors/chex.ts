// chex: setup.py at each v<version> tag, whose install_requires are the lines of a requirement file it reads
// (requirements.txt at v0.0.5, requirements/requirements.txt after), cited with it; from v0.1.91 a static pyproject.toml
// [project] table (flit). The version is `__version__` of chex/__init__.py.
// Tags start at v0.0.5 ("Add PyPI release workflow and increment the version", 01ca071): __version__ was 0.0.1–0.0.4
// before it, releases that may exist untagged, so the listing is complete from 0.0.5 on. From there every version
// chex/__init__.py ever declared (git log -p of the file, through 0.1.92) has its tag.
import type { SourceExtractor } from '../extractor';
import { dunderVersion, readProject, tagVersion } from '../python-literals';

/** The requirement file setup.py passes as install_requires (`_parse_requirements(os.path.join(_CURRENT_DIR, …))`). */
function installRequiresFile(setupPy: string | undefined): string | undefined {
  const call = setupPy?.match(/install_requires\s*=\s*_parse_requirements\(\s*os\.path\.join\(\s*_CURRENT_DIR\s*,([^)]*)\)/);
  if (!call) return undefined;
  const parts = [...call[1].matchAll(/['"]([^'"]+)['"]/g)].map((m) => m[1]);
  return parts.length ? parts.join('/') : undefined;
}

const extractor: SourceExtractor = {
  package: 'chex',
  repository: 'google-deepmind/chex',
  version: (tag) => tagVersion(tag),
  completeFrom: '0.0.5',
  extract: (ctx) => {
    const read = readProject(ctx, { declaredVersion: (c) => dunderVersion(c.show('chex/__init__.py')) });
    const file = read?.requires_dist && /:setup\.py$/.test(read.source) ? installRequiresFile(ctx.show('setup.py')) : undefined;
    return read && file && ctx.show(file) !== undefined ? { ...read, source: `${read.source}; ${ctx.cite(file)}` } : read;
  },
};
export default extractor;
