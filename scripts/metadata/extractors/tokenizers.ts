// tokenizers: bindings/python/setup.py, later bindings/python/pyproject.toml, at each python-v<version> / v<version> tag (node-v tags are the Node package).
import type { SourceExtractor } from '../extractor';
import { cargoVersion, readProject, tagVersion } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'tokenizers',
  repository: 'huggingface/tokenizers',
  version: (tag) => tagVersion(tag, /^(python-)?v/),
  // maturin builds take the version from Cargo.toml; the setuptools-rust builds before them (0.11.1-0.12.1 kept
  // Cargo.toml at 0.11.0) from setup.py's literal, which readProject checks itself.
  extract: (ctx) => readProject(ctx, {
    dir: 'bindings/python',
    declaredVersion: (c) => (c.show('bindings/python/setup.py') === undefined ? cargoVersion(c.show('bindings/python/Cargo.toml')) : undefined),
  }),
};
export default extractor;
