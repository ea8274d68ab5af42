// werkzeug: setup.py (with setup.cfg from 2.0.0rc1) and pyproject.toml's [project] from 2.3.0, at each bare-version
// tag. 2.1.3 was declared on the 2.1.x branch and never tagged, so the listing is complete from 2.2.0 on. The mirror ends
// at 3.1.8; PyPI's newest is 3.1.9, so the releases after 3.1.8 are unknown.
import type { SourceExtractor } from '../extractor';
import { readProject, releaseTagVersion } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'werkzeug',
  repository: 'pallets/werkzeug',
  version: (tag) => releaseTagVersion(tag, /^/),
  completeFrom: '2.2.0',
  extract: (ctx) => readProject(ctx),
};
export default extractor;
