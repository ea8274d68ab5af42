// safetensors: bindings/python/setup.py or pyproject.toml at each python-v<version> / v<version> tag.
import type { SourceExtractor } from '../extractor';
import { cargoVersion, readProject, tagVersion } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'safetensors',
  repository: 'huggingface/safetensors',
  version: (tag) => tagVersion(tag, /^(python-)?v/),
  extract: (ctx) => readProject(ctx, { dir: 'bindings/python', declaredVersion: (c) => cargoVersion(c.show('bindings/python/Cargo.toml')) }),
};
export default extractor;
