// jinja2 (the pallets/jinja repository): setup.py, with setup.cfg from 3.0.0rc1, at each bare-version tag. The listing
// is complete from 2.11.0: earlier, versions were declared that have no tag (2.2.2, 2.4.2, 2.5.2, 2.11.0rc2; git log
// -p of setup.py and jinja2/__init__.py), so releases may exist that it does not list.
import type { SourceExtractor } from '../extractor';
import { readProject, releaseTagVersion } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'jinja2',
  repository: 'pallets/jinja',
  version: (tag) => releaseTagVersion(tag, /^/),
  completeFrom: '2.11.0',
  extract: (ctx) => readProject(ctx),
};
export default extractor;
