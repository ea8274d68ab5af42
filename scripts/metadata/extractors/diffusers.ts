// diffusers: setup.py (`_deps` table, `deps_list` extras, install_requires) at each release tag.
import type { SourceExtractor } from '../extractor';
import { readProject, tagVersion } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'diffusers',
  repository: 'huggingface/diffusers',
  version: (tag) => tagVersion(tag, /^v?(?=\d)/),
  extract: (ctx) => readProject(ctx),
};
export default extractor;
