// fastapi: the [project] table of pyproject.toml at each release tag (bare versions, `0.95.0`; the pdm-backend builds
// from 0.112.0 on take it as it is for the fastapi package, fastapi-slim's own table aside). Tags before 0.84.0 keep
// their metadata in flit's [tool.flit.metadata] table, which these scripts do not read, so the listing is complete from
// 0.84.0: from there every version fastapi/__init__.py declared has its tag (git log -p, through 0.141.1), but for
// development versions (0.110.3.dev1, 0.111.0.dev1).
import type { SourceExtractor } from '../extractor';
import { readProject, tagVersion } from '../python-literals';

const extractor: SourceExtractor = {
  package: 'fastapi',
  repository: 'fastapi/fastapi',
  version: (tag) => tagVersion(tag, /^v?/),
  completeFrom: '0.84.0',
  extract: (ctx) => readProject(ctx),
};
export default extractor;
