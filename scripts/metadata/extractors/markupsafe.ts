// markupsafe: setup.py (with setup.cfg from 2.0.0a1) and pyproject.toml's [project] from 3.0.0, at each bare-version
// tag. 0.10 and 0.11 were declared in the sources and have no tag, so the listing is complete from 0.12 on. The mirror
// ends at 3.0.2; PyPI's newest is 3.0.4, so the releases after 3.0.2 are unknown.
import type { SourceExtractor } from '../extractor';
import { readProject, releaseTagVersion } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'markupsafe',
  repository: 'pallets/markupsafe',
  version: (tag) => releaseTagVersion(tag, /^/),
  completeFrom: '0.12',
  extract: (ctx) => readProject(ctx),
};
export default extractor;
