// tensorboardX (lanpa/tensorboardX): setup.py at each v<version> tag (v1.7's still says `version = '1.6'`, its commit
// is "release v1.7"; v1.0's says 0.9 and is left out), pyproject.toml from 2.6.4. Releases 0.8, 1.1, 1.4, 2.6 and 2.6.3
// have no tag: the listing speaks for its own releases only.
import type { SourceExtractor } from '../extractor';
import { readProject, releaseTagVersion } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'tensorboardx',
  repository: 'lanpa/tensorboardX',
  version: (tag) => releaseTagVersion(tag),
  partial: true,
  extract: (ctx) => readProject(ctx),
};
export default extractor;
