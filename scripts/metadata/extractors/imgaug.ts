// imgaug: setup.py at each tag (the tags are the bare versions, 0.2.0 ... 0.4.0, the newest release). 0.4.0's setup.py
// picks its OpenCV requirement from what is installed where it is built (`check_alternative_installation`, through
// pkg_resources), so its requirements are not read (the release is listed, its Requires-Dist unknown). setup.py said
// 0.1, and 0.2.2 (95a54d3, minutes before 0.2.2b), in commits no tag points at (releases that may exist untagged; the
// tag 0.2.2 points at a commit whose setup.py says 0.2.1): the listing is complete from 0.2.3 on, where every version
// setup.py ever said (git log -p setup.py, through 0.4.0) has its tag.
import type { SourceExtractor } from '../extractor';
import { readProject, tagVersion } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'imgaug',
  repository: 'aleju/imgaug',
  version: (tag) => tagVersion(tag, /^/),
  completeFrom: '0.2.3',
  extract: (ctx) => readProject(ctx),
};
export default extractor;
