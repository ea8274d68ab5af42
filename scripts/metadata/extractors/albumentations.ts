// albumentations: setup.py at each release tag (bare versions). Its install_requires are the INSTALL_REQUIRES list
// plus one OpenCV requirement that `choose_requirement` picks by what is installed on the machine that builds the
// wheel, which the source cannot show: a release lists INSTALL_REQUIRES as a partial Requires-Dist (the curated
// `albumentations-installs-opencv` row still speaks for OpenCV). Many versions its sources declared have no tag
// (0.1.x, 0.4.x, 1.1.1), so the listing speaks for its own releases only. The version a tag builds is [project].version
// of pyproject.toml (from 1.4.19), else `__version__` of albumentations/_version.py or albumentations/__init__.py.
import type { SourceExtractor, TagContext } from '../extractor';
import { dunderVersion, normalSpecifier, readBuildFile, readProject, tagVersion, tomlTable } from '../python-literals';
import { parseVersion } from '../../../src/core/pep440';

/** The [project] table of pyproject.toml (from 1.4.19: the version, requires-python; dependencies dynamic). */
function projectTable(ctx: TagContext): string | undefined {
  return tomlTable(ctx.show('pyproject.toml'), 'project');
}

function declaredVersion(ctx: TagContext): string | undefined {
  const project = projectTable(ctx);
  return project?.match(/^version\s*=\s*"([^"]+)"/m)?.[1]
    ?? dunderVersion(ctx.show('albumentations/_version.py')) ?? dunderVersion(ctx.show('albumentations/__init__.py'));
}

const extractor: SourceExtractor = {
  package: 'albumentations',
  repository: 'albumentations-team/albumentations',
  version: (tag) => tagVersion(tag, /^v?/),
  partial: true,
  extract: (ctx) => {
    const setupPy = ctx.show('setup.py');
    const declared = declaredVersion(ctx);
    if (setupPy === undefined || !declared || parseVersion(declared)?.toString() !== ctx.version) return undefined;
    const source = ctx.cite('setup.py');
    const list = /^INSTALL_REQUIRES = \[([^\]]*)\]/m.exec(setupPy)?.[1];
    // install_requires is INSTALL_REQUIRES with the chosen OpenCV requirement added (before 2.0.5 by
    // get_install_requirements, then appended to the list itself).
    if (list === undefined || !/install_requires=(get_install_requirements\(INSTALL_REQUIRES, CHOOSE_INSTALL_REQUIRES\)|INSTALL_REQUIRES\b)/.test(setupPy)) return { source };
    const lines = [...list.matchAll(/"([^"]+)"|'([^']+)'/g)].map((m) => m[1] ?? m[2]);
    const requires = readBuildFile('requirements', 'setup.py', `${lines.join('\n')}\n`).install_requires;
    if (!requires) return { source };
    const written = projectTable(ctx)?.match(/^requires-python\s*=\s*"([^"]+)"/m)?.[1];
    const pythonRequires = written !== undefined ? normalSpecifier(written) ?? undefined : readProject(ctx)?.requires_python;
    return {
      ...(pythonRequires !== undefined ? { requires_python: pythonRequires } : {}),
      requires_dist: requires, requires_dist_partial: true,
      source: `${source} (INSTALL_REQUIRES; the OpenCV requirement the build machine picks is not read)`,
    };
  },
};
export default extractor;
