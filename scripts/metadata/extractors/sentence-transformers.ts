// sentence-transformers: setup.py, later pyproject.toml [project], at each v<version> tag.
import type { SourceExtractor } from '../extractor';
import { readProject, tagVersion } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'sentence-transformers',
  repository: 'UKPLab/sentence-transformers',
  version: (tag) => tagVersion(tag),
  extract: (ctx) => readProject(ctx),
};
export default extractor;
