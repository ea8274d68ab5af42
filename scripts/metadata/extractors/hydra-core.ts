// hydra-core (facebookresearch/hydra): setup.py passes the lines of requirements/requirements.txt
// (pkg_resources.parse_requirements) as install_requires, at each v<version> tag; it has no extras and no
// python_requires. hydra-core 1.0.x require omegaconf>=2.0.1,<2.1, whose releases pip 24.1 and later ignore (their
// metadata is invalid, ./omegaconf.ts). Tags before 1.0.0 belong to older layouts; the listing speaks for its own
// releases only.
import type { SourceExtractor } from '../extractor';
import { releaseTagVersion, setupRequirementsFile } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'hydra-core',
  repository: 'facebookresearch/hydra',
  version: (tag) => releaseTagVersion(tag),
  partial: true,
  extract: (ctx) => setupRequirementsFile(ctx, 'requirements/requirements.txt'),
};
export default extractor;
