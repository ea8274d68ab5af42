// imageio-ffmpeg (imageio/imageio-ffmpeg): setup.py (pyproject.toml's [project] once it has one) at each v<version>
// tag. Whether every release has a tag is not checked here, so the listing speaks for its own releases only.
import type { SourceExtractor } from '../extractor';
import { readProject, releaseTagVersion } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'imageio-ffmpeg',
  repository: 'imageio/imageio-ffmpeg',
  version: (tag) => releaseTagVersion(tag),
  partial: true,
  extract: (ctx) => readProject(ctx),
};
export default extractor;
