// tokenizers: bindings/python/setup.py, later bindings/python/pyproject.toml, at each python-v<version> / v<version> tag (node-v tags are the Node package).
import type { SourceExtractor } from '../extractor';
import { cargoVersion, readProject, tagVersion } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'tokenizers',
  repository: 'huggingface/tokenizers',
  version: (tag) => tagVersion(tag, /^(python-)?v/),
  extract: (ctx) => readProject(ctx, { dir: 'bindings/python', declaredVersion: (c) => cargoVersion(c.show('bindings/python/Cargo.toml')) }),
};
export default extractor;
