// pytorch-lightning: setup.py at each tag. Up to 1.0.8 it lists install_requires literally (readProject); from 1.1.0
// through 1.6.x it passes `_load_requirements(PATH_ROOT)`, the lines of the root requirements.txt without comments and
// URL lines (pytorch_lightning/setup_tools.py), or, from 1.6.5, of requirements/base.txt (`_PATH_REQUIRE`): those lines
// are the release's base Requires-Dist here; its extras (requirements/extra.txt and the like) are not read, so the row
// is marked partial. 1.5.4-1.6.x write `torch>=1.7.*` there, which no PEP 508 reader accepts (pip's legacy one did):
// their requirements stay unknown, and that line is the release's `requires_dist_invalid`. From 1.7.0 the build
// assembles several packages (src/ layout): their requirements are not read (unknown), but the lines
// src/pytorch_lightning/__setup__.py loads from requirements/pytorch/base.txt are read for legacy `.*` specifiers
// (`torch>=1.9.*` through 1.8.3.post2; the build strips upper bounds, the `.*` stays: pip 24.1 quotes `torch (>=1.9.*)`
// from the wheels of 1.7.6, 1.7.7 and 1.8.3, e.g. invoke-ai/InvokeAI#6866, westlake-repl/SaProt#62).
// Tags are missing for some releases (the .post ones among them), so the listing speaks for its own releases only.
import type { SourceExtractor, TagContext } from '../extractor';
import { readProject, releaseTagVersion, requirementsFileRecord, withInvalid } from '../python-literals';

const LOADED = /install_requires\s*=\s*(?:setup_tools\.)?_load_requirements\((_?PATH_ROOT|_PATH_REQUIRE)\)/;
/** 1.7.0 on: the pytorch_lightning package's own setup module, and the requirements folder it loads base.txt from. */
const SRC_SETUP = 'src/pytorch_lightning/__setup__.py';
const SRC_FOLDER = /_PATH_REQUIREMENTS\s*=\s*os\.path\.join\("requirements",\s*"pytorch"\)/;
const SRC_LOADED = /install_requires\s*=\s*_?setup_tools\.load_requirements\(\s*_PATH_REQUIREMENTS\s*,/;

const extractor: SourceExtractor = {
  package: 'pytorch-lightning',
  repository: 'Lightning-AI/pytorch-lightning',
  version: (tag) => releaseTagVersion(tag, /^v?/),
  partial: true,
  extract: (ctx: TagContext) => {
    const setupPy = ctx.show('setup.py');
    const loaded = setupPy?.match(LOADED);
    if (!setupPy || !loaded) {
      const record = readProject(ctx);
      const src = ctx.show(SRC_SETUP);
      const base = record && src && SRC_FOLDER.test(src) && SRC_LOADED.test(src) ? ctx.show('requirements/pytorch/base.txt') : undefined;
      if (!record || base === undefined) return record;
      const read = withInvalid(record, base);
      return read === record ? record : { ...read, source: `${record.source}; ${ctx.cite(SRC_SETUP)}; ${ctx.cite('requirements/pytorch/base.txt')}` };
    }
    return requirementsFileRecord(ctx, setupPy, loaded[1] === '_PATH_REQUIRE' ? 'requirements/base.txt' : 'requirements.txt');
  },
};
export default extractor;
