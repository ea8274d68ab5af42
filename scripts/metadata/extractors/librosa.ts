// librosa: setup.py (with setup.cfg from 0.8.1rc1) at each tag (v0.1.0-v0.4.0, then bare versions). The listing is
// complete from 0.10.1: librosa/version.py declared 0.4.0rc0, 0.8.0rc0, 0.8.1rc0 and 0.10.0.post0, which have no tag.
// The mirror ends at 0.11.0; PyPI's newest is 1.0.0, so the releases after 0.11.0 are unknown.
import type { SourceExtractor } from '../extractor';
import { readProject, releaseTagVersion } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'librosa',
  repository: 'librosa/librosa',
  version: (tag) => releaseTagVersion(tag, /^v?/),
  completeFrom: '0.10.1',
  extract: (ctx) => readProject(ctx),
};
export default extractor;
