// basicsr: setup.py at each v<version> tag, whose install_requires are the lines of requirements.txt
// (`get_requirements()`), and whose version is the VERSION file (`get_version()`). A tag whose VERSION names another
// release is left out: v1.3.3.2 and v1.3.4.5 say 1.3.3.1 and 1.3.4.4, and v1.3.6, made while the release workflow was
// set up ("update release.yml", 7087df3, minutes before v1.4.0), says 1.3.5.
// VERSION said 1.3.0 and 1.3.1 in commits no tag points at (releases that may exist untagged): the listing is complete
// from 1.3.2 on, where every version VERSION ever said (git log -p VERSION, through 1.4.2) has its tag.
// From v1.4.2 setup.py reads BASICSR_EXT (CUDA extensions when it is 'True'); the workflow that publishes to PyPI
// (.github/workflows/publish-pip.yml: `python setup.py sdist` on a tag push) does not set it.
import type { SourceExtractor } from '../extractor';
import { readProject, tagVersion } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'basicsr',
  repository: 'XPixelGroup/BasicSR',
  version: (tag) => tagVersion(tag),
  completeFrom: '1.3.2',
  extract: (ctx) => readProject(ctx, { declaredVersion: (c) => c.show('VERSION')?.trim(), environ: { BASICSR_EXT: '' } }),
};
export default extractor;
