// jax: setup.py at each jax-v<version> tag; the jaxlib bounds come from jax/version.py (_minimum_jaxlib_version,
// _version), which setup.py loads, and the `_current_jaxlib_version` literal of setup.py.
import type { SourceExtractor } from '../extractor';
import { readProject, tagVersion } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'jax',
  repository: 'jax-ml/jax',
  version: (tag) => tagVersion(tag, /^jax-v(?=\d)/),
  extract: (ctx) => readProject(ctx, {
    extraFiles: ['jax/version.py'],
    declaredVersion: (c) => c.show('jax/version.py')?.match(/^_version\s*(?::\s*str\s*)?=\s*["']([^"']+)["']/m)?.[1],
  }),
};
export default extractor;
