// flask: setup.py (with setup.cfg from 2.0.0rc1) and pyproject.toml's [project] from 2.3.0, at each bare-version tag
// (0.12.x, 1.0.x ... are branch tags, not releases). The listing is complete from 0.11: from there every version flask's
// sources declared has its tag (git log -p, through 3.1.3); 0.10.2 was declared on a branch and has none.
import type { SourceExtractor } from '../extractor';
import { readProject, releaseTagVersion } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'flask',
  repository: 'pallets/flask',
  version: (tag) => releaseTagVersion(tag, /^/),
  completeFrom: '0.11',
  extract: (ctx) => readProject(ctx),
};
export default extractor;
