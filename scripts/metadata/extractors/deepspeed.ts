// deepspeed: a source distribution whose setup.py runs where it is installed. Its install_requires start as the lines
// of requirements/requirements.txt (`fetch_requirements`), then gain what the installing machine decides (each op
// builder's `python_requirements()`, `nvidia-ml-py` when torch sees a CUDA device, cupy builds): so a release's
// Requires-Dist here is those lines, marked partial (the rest is unknown). setup() passes no python_requires.
// The version is version.txt at the v<version> tag. version.txt is bumped to the next patch right after each release,
// so it names versions that never had a release or a tag (0.10.4 after 0.10.3), and whether every release has a tag is
// not shown here: the listing speaks for its own releases only (partial).
import type { SourceExtractor, TagContext } from '../extractor';
import { readBuildFile, tagVersion } from '../python-literals';

const REQUIREMENTS = 'requirements/requirements.txt';

const extractor: SourceExtractor = {
  package: 'deepspeed',
  repository: 'deepspeedai/DeepSpeed',
  version: (tag) => tagVersion(tag),
  partial: true,
  extract: (ctx: TagContext) => {
    const setupPy = ctx.show('setup.py');
    const declared = ctx.show('version.txt')?.trim();
    // A tag whose version.txt names another version is no release of its own (v0.1.0-v0.3.0 predate version.txt).
    if (setupPy === undefined || declared !== ctx.version) return undefined;
    const text = ctx.show(REQUIREMENTS);
    const source = `${ctx.cite('setup.py')}; ${ctx.cite(REQUIREMENTS)}`;
    if (text === undefined || !/^install_requires = fetch_requirements\('requirements\/requirements\.txt'\)$/m.test(setupPy)) return { source };
    const lines = readBuildFile('requirements', REQUIREMENTS, text).install_requires;
    if (!lines) return { source };
    return {
      requires_python: /python_requires/.test(setupPy) ? undefined : '',
      requires_dist: lines, requires_dist_partial: true,
      source: `${source} (what setup.py adds on the installing machine not read)`,
    };
  },
};
export default extractor;
