// tensorflow-text: oss_scripts/pip_package/setup.py at each v<version> tag (install_requires, extras); its version is
// `project_version`, a literal of that file. Each release pins a TensorFlow minor series (`tensorflow>=2.12.0, <2.13`).
// Pre-release tags are left out: some name the previous series (v2.9.0-rc0 and v2.17.0-rc0 still say
// `tensorflow>=2.8.0, <2.9` and `>=2.16.1, <2.17`), so what their wheels declared is not shown by the tag. Whether
// every final release has a tag is not shown either (no version history but these literals): the listing speaks for
// its own releases only (partial).
import type { SourceExtractor } from '../extractor';
import { readProject, tagVersion } from '../python-literals';
import { parseVersion } from '../../../src/core/pep440';

const extractor: SourceExtractor = {
  package: 'tensorflow-text',
  repository: 'tensorflow/text',
  version: (tag) => {
    const v = tagVersion(tag);
    const parsed = v ? parseVersion(v) : null;
    return parsed && !parsed.isPrerelease && !parsed.isDevrelease ? v : undefined;
  },
  partial: true,
  extract: (ctx) => readProject(ctx, {
    dir: 'oss_scripts/pip_package',
    declaredVersion: (c) => c.show('oss_scripts/pip_package/setup.py')?.match(/^project_version = '([^']+)'/m)?.[1]?.replace(/-/g, ''),
  }),
};
export default extractor;
