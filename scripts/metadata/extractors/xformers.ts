// xformers: setup.py + requirements.txt at each v<version> tag. The published wheels' torch requirement is injected
// by the wheel workflow: it deletes the torch line of requirements.txt and appends `torch == <torch_version>` of the
// build. The torch of the PyPI upload is read from the tag's workflows: the `*torch<X>+…*` filter of the upload_pip
// job (0.0.23 on), the one torch_version of the build matrix, or the one matrix entry marked `publish: true`
// (0.0.16–0.0.20). When several torch builds exist and the upload does not name one, requires_dist stays unknown. From the tag whose workflow no longer rewrites requirements.txt
// (0.0.35), the file is published as written.
import type { SourceExtractor } from '../extractor';
import { readBuildFile, readProject, tagVersion } from '../python-literals';

const WORKFLOWS = ['wheels.yml', 'wheels_reusable.yml', 'wheels_build.yml'];

function uploadedTorch(wheelsYml: string): string | undefined {
  const upload = wheelsYml.split(/^  upload_pip:/m)[1];
  const filter = upload?.match(/filter:\s*"\*torch(\d+(?:\.\d+)+)\+/);
  if (filter) return filter[1];
  const list = wheelsYml.match(/^\s+torch_version:\s*\n((?:\s+- "[^"]+"\s*\n)+)/m);
  const versions = list ? [...list[1].matchAll(/- "([^"]+)"/g)].map((m) => m[1]) : [];
  return versions.length === 1 && /^\d+(\.\d+)+$/.test(versions[0]) ? versions[0] : undefined;
}

// 0.0.16–0.0.20 build several torch releases and upload one: the matrix entry (a `config` item or an `include` item)
// that says `publish: true`. Its `torch_version_constraint` (0.0.16: `torch_version` carries a `+cu117` label) or
// `torch_version` is the pin written into requirements.txt.
function publishedTorch(wheelsYml: string): string | undefined {
  const lines = wheelsYml.split('\n');
  const found = new Set<string>();
  lines.forEach((line, i) => {
    const item = line.match(/^(\s*)- /);
    if (!item) return;
    const block = [line];
    for (const next of lines.slice(i + 1)) {
      if (!next.trim()) continue;
      if (next.match(/^\s*/)![0].length <= item[1].length) break;
      block.push(next);
    }
    const text = block.join('\n');
    if (!/\bpublish:\s*true\b/.test(text)) return;
    const v = text.match(/torch_version_constraint:\s*"([^"]+)"/)?.[1] ?? text.match(/torch_version:\s*"([^"]+)"/)?.[1];
    if (v && /^\d+(\.\d+)+$/.test(v)) found.add(v);
  });
  return found.size === 1 ? [...found][0] : undefined;
}

const extractor: SourceExtractor = {
  package: 'xformers',
  repository: 'facebookresearch/xformers',
  version: (tag) => tagVersion(tag, /^v(?=0\.0\.\d)/),
  extract: (ctx) => {
    const base = readProject(ctx);
    if (!base) return undefined;
    const workflows = WORKFLOWS.map((f) => ({ f, text: ctx.show(`.github/workflows/${f}`) }));
    const rewrites = workflows.filter((w) => w.text && /sed -i '\/torch\/d' \.\/requirements\.txt/.test(w.text));
    if (!rewrites.length || base.requires_dist === undefined) return base;
    const wheels = workflows.find((w) => w.f === 'wheels.yml')?.text;
    const torch = wheels ? uploadedTorch(wheels) ?? publishedTorch(wheels) : undefined;
    const sources = [base.source, ...rewrites.map((w) => ctx.cite(`.github/workflows/${w.f}`))];
    if (wheels && !rewrites.some((w) => w.f === 'wheels.yml')) sources.push(ctx.cite('.github/workflows/wheels.yml'));
    const { requires_dist: _dropped, ...rest } = base;
    if (!torch) return { ...rest, source: sources.join('; ') };
    const pin = readBuildFile('requirements', 'requirements.txt', `torch == ${torch}\n`).install_requires![0];
    const dist = base.requires_dist.filter((r) => !/^torch\b/.test(r));
    return { ...rest, requires_dist: [...dist, pin], source: sources.join('; ') };
  },
};
export default extractor;
