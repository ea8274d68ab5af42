// torchsde (google-research/torchsde): setup.py's literal install_requires at each release. Only 0.2.5 and 0.2.6 were
// published on the index (pip's list of its versions: "from versions: 0.2.5, 0.2.6", antgroup/echomimic_v2#23,
// camenduru/sdxl-colab#26), so the older tags (v0.1.0-v0.2.4, installed from GitHub) are left out. 0.2.5 has no tag:
// it is read at cf8f9cb ("Tweaks for PyPI release", 2021-07-22), where torchsde/__init__.py declares 0.2.5 and after
// which setup.py did not change until the 0.2.6 work (bfd4855, "Fix incorrectly formatted version rules"). Its
// `numpy>=1.19.*;python_version>='3.7'` is what pip 24.1 refuses ("numpy (>=1.19.*) ; python_version >= "3.7"", quoted
// from the 0.2.5 wheel in those reports): its `requires_dist_invalid`.
import type { SourceExtractor } from '../extractor';
import { readProjectOrInvalid, releaseTagVersion } from '../python-literals';
import { compareVersions, parseVersion } from '../../../src/core/pep440';

const FIRST_PUBLISHED = parseVersion('0.2.5')!;

const extractor: SourceExtractor = {
  package: 'torchsde',
  repository: 'google-research/torchsde',
  version: (tag) => {
    const v = releaseTagVersion(tag);
    const parsed = v ? parseVersion(v) : null;
    return parsed && compareVersions(parsed, FIRST_PUBLISHED) >= 0 ? v : undefined;
  },
  completeFrom: '0.2.5',
  untagged: [{ version: '0.2.5', commit: 'cf8f9cb', evidence: 'torchsde/__init__.py declares 0.2.5; setup.py unchanged until bfd4855' }],
  extract: (ctx) => readProjectOrInvalid(ctx),
};
export default extractor;
