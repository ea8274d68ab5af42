// huggingface_hub: setup.py (install_requires, extras) or pyproject.toml [project] at each v<version> tag.
import type { SourceExtractor } from '../extractor';
import { dunderVersion, readProject, tagVersion } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'huggingface-hub',
  repository: 'huggingface/huggingface_hub',
  version: (tag) => tagVersion(tag),
  extract: (ctx) => readProject(ctx, {
    declaredVersion: (c) => dunderVersion(c.show('src/huggingface_hub/__init__.py')),
    // 1.0.0-1.8.x set extras["gradio"] only when the build Python is 3.10+ (for the webhook tests, says its comment).
    unreadableExtras: { names: ['gradio'], why: 'set only when the build Python is 3.10+' },
  }),
};
export default extractor;
