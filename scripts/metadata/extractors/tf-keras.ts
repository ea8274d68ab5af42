// tf-keras: the wheel is built by pip_build.py from oss_setup.py, a template whose {{PACKAGE}} and {{VERSION}} it
// fills in (install_requires: tensorflow>=X.Y,<X.Y+1 computed from the version); before oss_setup.py existed,
// tf_keras/tools/pip_package/setup.py.
import type { SourceExtractor } from '../extractor';
import { readProject, readTemplateSetup, tagVersion } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'tf-keras',
  repository: 'keras-team/tf-keras',
  version: (tag) => tagVersion(tag),
  extract: (ctx) => readTemplateSetup(ctx, 'oss_setup.py', 'tf_keras') ?? readProject(ctx, { dir: 'tf_keras/tools/pip_package' }),
};
export default extractor;
