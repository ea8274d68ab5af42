// itsdangerous: setup.py (with setup.cfg from 2.0.0a1) and pyproject.toml's [project] from 2.2.0, at each bare-version
// tag. The tags 0.9.1 and 0.12 point at commits whose setup.py still says 0.9 and 0.11, so what those releases declare
// is not shown (they are left out, as a mis-tag is) and the listing is complete from 0.13 on.
import type { SourceExtractor } from '../extractor';
import { readProject, releaseTagVersion } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'itsdangerous',
  repository: 'pallets/itsdangerous',
  version: (tag) => releaseTagVersion(tag, /^/),
  completeFrom: '0.13',
  extract: (ctx) => readProject(ctx),
};
export default extractor;
