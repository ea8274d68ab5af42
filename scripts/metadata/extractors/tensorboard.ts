// tensorboard (tensorflow/tensorboard): tensorboard/pip_package/setup.py at each tag, which reads the requirements.txt
// beside it. Tags before 1.6.0 build `tensorflow-tensorboard` (setup.py's `name`), another package: left out. The
// listing is complete from 1.6.0: every version tensorboard/version.py declared from then on has its tag (the `a0`
// versions mark development, not releases).
import type { SourceExtractor } from '../extractor';
import { readProject, releaseTagVersion } from '../python-literals';

const SETUP = 'tensorboard/pip_package/setup.py';

const extractor: SourceExtractor = {
  package: 'tensorboard',
  repository: 'tensorflow/tensorboard',
  version: (tag) => releaseTagVersion(tag, /^/),
  completeFrom: '1.6.0',
  extract: (ctx) => (/\bname\s*=\s*["']tensorboard["']/.test(ctx.show(SETUP) ?? '') ? readProject(ctx, { dir: 'tensorboard/pip_package' }) : undefined),
};
export default extractor;
