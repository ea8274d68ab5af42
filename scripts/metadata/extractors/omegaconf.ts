// omegaconf (omry/omegaconf): setup.py passes the lines of requirements/base.txt (pkg_resources.parse_requirements)
// as install_requires, at each v<version> tag; it has no extras. 2.0.1-2.1.0 write `PyYAML>=5.1.*` there, which
// setuptools wrote into Requires-Dist as it was and PEP 508 rejects: pip 24.1 and later ignore those releases (the
// fix came in 2.1.1, omry/omegaconf#1107). The listing is complete from 2.0.0 for final releases: pip's list of the
// index's versions (quoted in aminebdj/OpenYOLO3D#19, February 2025) names 2.0.0-2.0.6, 2.1.0, 2.1.1, 2.1.2, 2.2.1-2.2.3
// and 2.3.0 after 2.0.0, each with its tag here, and 2.2.0 as yanked: it has no tag and no commit declares it, so it
// is listed as known to exist and yanked, its requirements unknown (`known`). Pre-releases after 2.0.0 (2.0.1rc*,
// 2.1.0.dev*) have no tags and are not listed.
import type { SourceExtractor } from '../extractor';
import { releaseTagVersion, setupRequirementsFile } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'omegaconf',
  repository: 'omry/omegaconf',
  version: (tag) => releaseTagVersion(tag),
  completeFrom: '2.0.0',
  known: [{ version: '2.2.0', yanked: true, evidence: 'aminebdj/OpenYOLO3D#19 (pip: "Ignored the following yanked versions: … 2.2.0")' }],
  extract: (ctx) => setupRequirementsFile(ctx, 'requirements/base.txt'),
};
export default extractor;
