// hydra-core (facebookresearch/hydra): setup.py passes the lines of requirements/requirements.txt
// (pkg_resources.parse_requirements) as install_requires, at each v<version> tag; it has no extras and no
// python_requires. hydra-core 1.0.x require omegaconf>=2.0.1,<2.1, whose releases pip 24.1 and later ignore (their
// metadata is invalid, ./omegaconf.ts). The listing is complete from 1.0.0 for final releases: NEWS.md (at v1.3.2)
// names 1.0.0-1.0.7, 1.1.0, 1.1.1, 1.2.0 and 1.3.0-1.3.2, each with its tag, and 1.1.2 has its tag on the 1.1 branch;
// the development pre-releases between them have no tags and are not listed.
import type { SourceExtractor } from '../extractor';
import { releaseTagVersion, setupRequirementsFile } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'hydra-core',
  repository: 'facebookresearch/hydra',
  version: (tag) => releaseTagVersion(tag),
  completeFrom: '1.0.0',
  extract: (ctx) => setupRequirementsFile(ctx, 'requirements/requirements.txt'),
};
export default extractor;
