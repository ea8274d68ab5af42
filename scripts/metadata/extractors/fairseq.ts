// fairseq (facebookresearch/fairseq): setup.py's literal install_requires at each v<version> tag. 0.12.2 requires
// hydra-core>=1.0.7,<1.1 and omegaconf<2.1, whose releases in that range pip 24.1 and later ignore (omegaconf 2.0.5 and
// 2.0.6 declare `PyYAML>=5.1.*`, ./omegaconf.ts): `pip install fairseq` fails there (facebookresearch/fairseq#5511,
// #4843). v0.12.3 is tagged but was never published (the index's newest is 0.12.2, env's packages/pypi.tsv): left
// out. Whether every release has a tag is not checked, so the listing speaks for its own releases only.
import type { SourceExtractor } from '../extractor';
import { readProject, releaseTagVersion } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'fairseq',
  repository: 'facebookresearch/fairseq',
  version: (tag) => (tag === 'v0.12.3' ? undefined : releaseTagVersion(tag)),
  partial: true,
  extract: (ctx) => readProject(ctx),
};
export default extractor;
