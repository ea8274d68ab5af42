// gfpgan: setup.py at each v<version> tag, whose install_requires are the lines of requirements.txt
// (`get_requirements()`), and whose version is the VERSION file (`get_version()`). The first release's tag is
// `v.0.2.1` ("Major revision: Support Pypi", 996d1e3, which adds setup.py and VERSION); every version VERSION ever
// said (git log -p VERSION, through 1.3.8) has its tag. Tags v0.2.2 and v1.3.3 point at commits whose VERSION says
// 0.2.1 and 1.3.2: no release of their own. v0.1.0 and v0.2.0 come before any packaging (no setup.py).
import type { SourceExtractor } from '../extractor';
import { readProject, tagVersion } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'gfpgan',
  repository: 'TencentARC/GFPGAN',
  version: (tag) => tagVersion(tag.replace(/^v\./, 'v')),
  completeFrom: '0.2.1',
  // A tag without setup.py was no release (no packaging yet).
  extract: (ctx) => (ctx.show('setup.py') === undefined ? undefined : readProject(ctx, { declaredVersion: (c) => c.show('VERSION')?.trim() })),
};
export default extractor;
