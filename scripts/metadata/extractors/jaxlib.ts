// jaxlib: jaxlib/setup.py at each jaxlib-v<version> tag. The wheel is assembled with setup.py at its root and the
// jaxlib package beside it, so the jaxlib/version.py that setup.py loads is offered at that relative place.
// The CUDA/ROCm local labels it appends from the environment are not part of the public wheels.
import { compareVersions, parseVersion } from '../../../src/core/pep440';
import type { SourceExtractor } from '../extractor';
import { assemble, readBuildFile, record, tagVersion } from '../python-literals';

function laterJaxTag(tag: string): string | undefined {
  const v = tagVersion(tag, /^jax-v(?=\d)/);
  const parsed = v ? parseVersion(v) : null;
  return parsed && compareVersions(parsed, parseVersion('0.4.32')!) > 0 ? v : undefined;
}

const extractor: SourceExtractor = {
  package: 'jaxlib',
  repository: 'jax-ml/jax',
  // jaxlib has its own tags through 0.4.32; later jaxlib releases are built from the jax-v tag of the same version
  // (jaxlib/version.py's _version is checked against it).
  version: (tag) => tagVersion(tag, /^jaxlib-v(?=\d)/) ?? laterJaxTag(tag),
  extract: (ctx) => {
    const setupPy = ctx.show('jaxlib/setup.py');
    if (setupPy === undefined) return undefined;
    const versionPy = ctx.show('jaxlib/version.py');
    const declared = versionPy?.match(/^_version\s*(?::\s*str\s*)?=\s*["']([^"']+)["']/m)?.[1];
    if (declared && declared !== ctx.version) return undefined;
    const files: Record<string, string> = versionPy ? { 'jaxlib/jaxlib/version.py': versionPy, 'jaxlib/version.py': versionPy } : {};
    const meta = readBuildFile('setup.py', 'jaxlib/setup.py', setupPy, { files });
    return record(assemble(meta), ctx.cite('jaxlib/setup.py'));
  },
};
export default extractor;
