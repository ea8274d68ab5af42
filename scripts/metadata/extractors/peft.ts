// peft: setup.py (install_requires, extras, python_requires) at each v<version> tag.
import type { SourceExtractor } from '../extractor';
import { readProject, tagVersion } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'peft',
  repository: 'huggingface/peft',
  version: (tag) => tagVersion(tag),
  extract: (ctx) => readProject(ctx),
};
export default extractor;
