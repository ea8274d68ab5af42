// pytorch-lightning: setup.py at each tag. Up to 1.0.8 it lists install_requires literally (readProject); from 1.1.0
// through 1.6.x it passes `_load_requirements(PATH_ROOT)`, the lines of the root requirements.txt without comments and
// URL lines (pytorch_lightning/setup_tools.py), or, from 1.6.5, of requirements/base.txt (`_PATH_REQUIRE`): those lines
// are the release's base Requires-Dist here; its extras (requirements/extra.txt and the like) are not read, so the row
// is marked partial. 1.5.4-1.6.x write `torch>=1.7.*` there, which no PEP 508 reader accepts (pip's legacy one did):
// their requirements stay unknown. From 1.7.0 the build assembles several packages (src/ layout): not read, unknown.
// Tags are missing for some releases (the .post ones among them), so the listing speaks for its own releases only.
import type { SourceExtractor, TagContext } from '../extractor';
import { readProject, releaseTagVersion, requirementsFileRecord } from '../python-literals';

const LOADED = /install_requires\s*=\s*(?:setup_tools\.)?_load_requirements\((_?PATH_ROOT|_PATH_REQUIRE)\)/;

const extractor: SourceExtractor = {
  package: 'pytorch-lightning',
  repository: 'Lightning-AI/pytorch-lightning',
  version: (tag) => releaseTagVersion(tag, /^v?/),
  partial: true,
  extract: (ctx: TagContext) => {
    const setupPy = ctx.show('setup.py');
    const loaded = setupPy?.match(LOADED);
    if (!setupPy || !loaded) return readProject(ctx);
    return requirementsFileRecord(ctx, setupPy, loaded[1] === '_PATH_REQUIRE' ? 'requirements/base.txt' : 'requirements.txt');
  },
};
export default extractor;
