// realesrgan: setup.py at each v<version> tag, whose install_requires are the lines of requirements.txt
// (`get_requirements()`), and whose version is the VERSION file (`get_version()`). VERSION said 0.2.2.0 in a commit no
// tag points at (667e34e, "support face enhance"): the listing is complete from 0.2.2.1 on, where every version VERSION
// ever said (git log -p VERSION, through 0.3.0) has its tag. v0.1.x come before any packaging (no setup.py).
import type { SourceExtractor } from '../extractor';
import { readProject, tagVersion } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'realesrgan',
  repository: 'xinntao/Real-ESRGAN',
  version: (tag) => tagVersion(tag),
  completeFrom: '0.2.2.1',
  // A tag without setup.py was no release (no packaging yet).
  extract: (ctx) => (ctx.show('setup.py') === undefined ? undefined : readProject(ctx, { declaredVersion: (c) => c.show('VERSION')?.trim() })),
};
export default extractor;
