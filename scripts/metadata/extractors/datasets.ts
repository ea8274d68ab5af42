// datasets: setup.py (REQUIRED_PKGS, EXTRAS_REQUIRE) or pyproject.toml at each <version> tag.
import type { SourceExtractor } from '../extractor';
import { readProject, tagVersion } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'datasets',
  repository: 'huggingface/datasets',
  version: (tag) => tagVersion(tag, /^v?(?=\d)/),
  extract: (ctx) => readProject(ctx),
};
export default extractor;
