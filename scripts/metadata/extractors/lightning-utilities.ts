// lightning-utilities (Lightning-AI/utilities): setup.py at each v<version> tag passes the lines of one requirements file
// (requirements/base.txt, requirements/core.txt from 0.11.0) through pkg_resources' parse_requirements as its
// install_requires, and every other requirements/*.txt but those starting with "_" or "gha-" as an extra: the base
// lines are read here, the extras (cli, docs, typing) are not, so the rows are marked partial. Whether every release
// has a tag is not checked here, so the listing speaks for its own releases only.
import type { SourceExtractor, TagContext } from '../extractor';
import { releaseTagVersion, requirementsFileRecord } from '../python-literals';

const BASE = /open\(os\.path\.join\(_PATH_REQUIRE, "(\w+\.txt)"\)\)/;

const extractor: SourceExtractor = {
  package: 'lightning-utilities',
  repository: 'Lightning-AI/utilities',
  version: (tag) => releaseTagVersion(tag),
  partial: true,
  extract: (ctx: TagContext) => {
    const setupPy = ctx.show('setup.py');
    const base = setupPy?.match(BASE)?.[1];
    if (!setupPy || !base) return undefined;
    return requirementsFileRecord(ctx, setupPy, `requirements/${base}`);
  },
};
export default extractor;
