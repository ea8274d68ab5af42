// huggingface_hub: setup.py (install_requires, extras) or pyproject.toml [project] at each v<version> tag.
import type { SourceExtractor } from '../extractor';
import { dunderVersion, isDevExtra, readProject, tagVersion } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'huggingface-hub',
  repository: 'huggingface/huggingface_hub',
  version: (tag) => tagVersion(tag),
  extract: (ctx) => readProject(ctx, {
    declaredVersion: (c) => dunderVersion(c.show('src/huggingface_hub/__init__.py')),
    // extras["gradio"] is set only when the build Python is 3.10+ and serves the project's webhook tests (its comment).
    keepExtra: (e) => !isDevExtra(e) && e !== 'gradio',
  }),
};
export default extractor;
