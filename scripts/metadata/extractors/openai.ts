// openai (openai/openai-python): setup.py through 0.28.x, pyproject.toml's [project] from 1.0.0, at each v<version>
// tag. Whether every release has a tag is not checked here, so the listing speaks for its own releases only.
import type { SourceExtractor } from '../extractor';
import { readProject, releaseTagVersion } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'openai',
  repository: 'openai/openai-python',
  version: (tag) => releaseTagVersion(tag),
  partial: true,
  extract: (ctx) => readProject(ctx),
};
export default extractor;
