// keras: the pip package's setup.py at each release tag: the root setup.py (2.0-2.4, 3.0-3.x) or pyproject.toml
// [project] (later 3.x); for the tf.keras-era releases 2.6-2.15 the oss_setup.py template pip_build.py fills in
// ({{PACKAGE}}, {{VERSION}}) where it exists, otherwise keras/tools/pip_package/setup.py.
import type { SourceExtractor } from '../extractor';
import { readProject, readTemplateSetup, tagVersion } from '../python-literals';

const PIP_PACKAGE = 'keras/tools/pip_package';

const extractor: SourceExtractor = {
  package: 'keras',
  repository: 'keras-team/keras',
  version: (tag) => tagVersion(tag, /^v?(?=\d)/),
  extract: (ctx) => readTemplateSetup(ctx, 'oss_setup.py', 'keras') ?? readProject(ctx, ctx.show(`${PIP_PACKAGE}/setup.py`) !== undefined ? { dir: PIP_PACKAGE } : {}),
};
export default extractor;
