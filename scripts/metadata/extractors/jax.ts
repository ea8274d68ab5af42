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
    // A release is built with no WHEEL_VERSION_SUFFIX (a suffix would be part of its published version, which is the
    // tag's) as a release build (JAX_RELEASE: version.py then takes _version as is); setup.py appends "rc0" to the
    // jaxlib bounds only when that suffix starts with "rc". Pre-release tags are no final releases: not vouched for.
    ...(/^\d+(\.\d+)*$/.test(ctx.version) ? { environ: { WHEEL_VERSION_SUFFIX: '', JAX_RELEASE: '1' } } : {}),
    declaredVersion: (c) => c.show('jax/version.py')?.match(/^_version\s*(?::\s*str\s*)?=\s*["']([^"']+)["']/m)?.[1],
  }),
};
export default extractor;
