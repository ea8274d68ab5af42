// opencv-python (and opencv-python-headless, opencv-contrib-python, opencv-contrib-python-headless: one setup.py, the
// name chosen by ENABLE_CONTRIB / ENABLE_HEADLESS at build time): setup.py at each numeric tag N. The version is the
// OpenCV version of the `opencv` submodule plus "." plus N (find_version.py); that submodule is opencv/opencv, too large
// to mirror, so the OpenCV version is read from the subject of the commit that set the submodule to the tag's commit
// ("Updated submodules to 4.6.0 release"). A tag whose submodule commit was set by a commit naming no version is left
// out (4.5.4.60): the files list some releases only. Early tags compute the numpy floor from the build's Python
// (sys.version_info): their Requires-Dist stays unknown.
import type { SourceExtractor } from '../extractor';
import { readBuildFile, readProject } from '../python-literals';

export function opencvExtractor(name: string): SourceExtractor {
  return {
    package: name,
    repository: 'opencv/opencv-python',
    partial: true,
    version: () => undefined,
    versionFrom: (tag, repo) => {
      if (!/^\d+$/.test(tag)) return undefined;
      const sub = repo.gitlink(tag, 'opencv');
      if (!sub) return undefined;
      const setBy = repo.history(tag, 'opencv').find((c) => repo.gitlink(c, 'opencv') === sub);
      const opencv = setBy ? /\b(\d+\.\d+\.\d+)\b/.exec(repo.subject(setBy))?.[1] : undefined;
      if (!setBy || !opencv) return undefined;
      return {
        version: `${opencv}.${tag}`,
        evidence: `version: submodule opencv at ${sub.slice(0, 10)}, set by opencv/opencv-python@${setBy.slice(0, 10)} ("${repo.subject(setBy)}"), plus the tag number (find_version.py)`,
      };
    },
    extract: (ctx) => {
      const read = readProject(ctx);
      if (!read) return undefined;
      const requires = read.requires_dist ?? installRequiresList(ctx.show('setup.py') ?? '');
      return { ...read, ...(requires ? { requires_dist: requires } : {}), source: `${read.source}; ${ctx.versionEvidence}` };
    },
  };
}

/**
 * From 4.5.5.62 setup() is called inside main() with `install_requires=install_requires`, a list of string literals
 * assigned just before: read that list (normalized as packaging writes Requires-Dist). Anything but string literals in
 * it, or another install_requires, leaves it unknown.
 */
export function installRequiresList(setupPy: string): string[] | undefined {
  if (!/\binstall_requires\s*=\s*install_requires\b/.test(setupPy)) return undefined;
  const blocks = [...setupPy.matchAll(/^\s*install_requires\s*=\s*\[([^\]]*)\]/gm)];
  if (blocks.length !== 1) return undefined;
  const items: string[] = [];
  for (const raw of blocks[0][1].split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) continue;
    const m = /^(?:'([^']*)'|"([^"]*)")\s*,?$/.exec(line);
    if (!m) return undefined;
    items.push(m[1] ?? m[2]);
  }
  const read = readBuildFile('requirements', 'requirements.txt', `${items.join('\n')}\n`).install_requires;
  return read && read.length === items.length ? read : undefined;
}

export default opencvExtractor('opencv-python');
