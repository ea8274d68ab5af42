// openai-whisper: each release is a v<version> tag (every `__version__` whisper/version.py ever said, 20230117 through
// 20250625, has its tag: git log -p of the file). From v20250625 a static pyproject.toml [project] table. Before it,
// setup.py: install_requires is a list the script fills, then the lines of requirements.txt
// (`pkg_resources.parse_requirements`, written back with `str(r)`):
// - from v20230307, `if sys.platform.startswith("linux") and platform.machine() == "x86_64":
//   requirements.append("triton…")`. openai-whisper is published as a source distribution only, so that branch runs on
//   the machine that installs it ("It lists triton as dependency only on x86_64 linux", a maintainer in
//   openai/whisper#1053): written here as the marker `sys_platform == "linux" and platform_machine == "x86_64"`,
//   which is what the branch asks on Python 3;
// - v20230306 picks its triton requirement from the `nvcc` of the installing machine: its requirements stay unknown.
import type { SourceExtractor, TagContext } from '../extractor';
import { readBuildFile, readProject, tagVersion } from '../python-literals';

const PLATFORM_BRANCH = /^requirements = \[\]\nif sys\.platform\.startswith\("linux"\) and platform\.machine\(\) == "x86_64":\n\s+requirements\.append\("([^"]+)"\)\n/m;
const MARKER = 'sys_platform == "linux" and platform_machine == "x86_64"';

function fromSetupPy(ctx: TagContext, setupPy: string) {
  const read = readProject(ctx);
  const requirementsTxt = ctx.show('requirements.txt');
  // The install_requires expression: an optional platform-decided list, then requirements.txt's lines.
  if (!read || requirementsTxt === undefined || !/install_requires=(requirements\s*\+\s*)?\[\s*str\(r\)\s*for r in pkg_resources\.parse_requirements\(/.test(setupPy)) return read;
  if (/nvcc/.test(setupPy)) return { ...read, source: `${read.source} (triton requirement chosen by the installing machine's nvcc: unknown)` };
  const branch = PLATFORM_BRANCH.exec(setupPy);
  if (/requirements\.append/.test(setupPy) && !branch) return read;
  // Both read as setuptools writes them (packaging's normal form), the script's list first.
  const text = `${branch ? `${branch[1]}; ${MARKER}\n` : ''}${requirementsTxt}`;
  const requires = readBuildFile('requirements', 'requirements.txt', text).install_requires;
  if (!requires) return read;
  return { ...read, requires_dist: requires, source: `${read.source}; ${ctx.cite('requirements.txt')}` };
}

const extractor: SourceExtractor = {
  package: 'openai-whisper',
  repository: 'openai/whisper',
  version: (tag) => tagVersion(tag),
  extract: (ctx) => {
    const pyproject = ctx.show('pyproject.toml');
    const setupPy = ctx.show('setup.py');
    if (setupPy === undefined || (pyproject !== undefined && /^dependencies\s*=/m.test(pyproject))) return readProject(ctx);
    return fromSetupPy(ctx, setupPy);
  },
};
export default extractor;
