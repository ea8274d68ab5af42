// optimum: setup.py (install_requires, extras, python_requires) at each v<version> tag. The listing is complete from the
// first release: every version `optimum/version.py` ever said has its tag (git log -p, through 2.1.0), but for a
// "0.1.2-alpha" development state and a "1.1O.0" typo mended in the v1.10.0 release commit. Checked against pip: its
// "optimum 1.19.2 depends on transformers<4.41.0 and >=4.26.0" (tenstorrent/tt-forge-onnx#493) is 1.19.2's line here.
import type { SourceExtractor } from '../extractor';
import { readProject, tagVersion } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'optimum',
  repository: 'huggingface/optimum',
  version: (tag) => tagVersion(tag),
  extract: (ctx) => readProject(ctx),
};
export default extractor;
