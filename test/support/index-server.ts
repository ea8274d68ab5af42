// The one loopback package index of the test suites, speaking the real protocols (PyPI is not reachable from the test
// machines): PEP 503 HTML simple pages and PEP 691 JSON (chosen by the Accept header, as PyPI does), PEP 592 yanked
// files, PEP 658/714 metadata files (`<file>.metadata`, advertised as `data-core-metadata` / `data-dist-info-metadata`
// and `core-metadata` / `dist-info-metadata`), the PyPI JSON API (`/pypi/<name>/json`, `/pypi/<name>/<version>/json`),
// ETags with 304 answers to If-None-Match (as PyPI's CDN does), and the files themselves. It serves
//   - `packages`: releases described in the test, under `/simple`, as wheels built by wheels.ts (installable by real
//     pip), or other file names given per release;
//   - `folders`: folders of wheel files as they are, each under its own prefix (`/pypi/simple`, `/whl/rocm5.7` as
//     PyTorch's index has them), with `+` in local versions percent-encoded as PyTorch's index does.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { listenLoopback } from './loopback';
import { buildWheel, wheelName } from './wheels';

export interface IndexRelease {
  version: string;
  requires_dist?: string[];
  requires_python?: string;
  /** true, or the yank reason. */
  yanked?: boolean | string;
  /** File names to serve for this release; default one `py3-none-any` wheel. A wheel name's version may carry a
   *  local label (`torch-2.2.0+cu121-cp311-cp311-linux_x86_64.whl`); `.tar.gz` names are served as sdists. */
  files?: string[];
}

export interface IndexOptions {
  packages?: Record<string, IndexRelease[]>;
  /** URL prefix (`/pypi/simple`, `/whl/cu121`) -> a folder of wheel files served as they are. */
  folders?: Record<string, string>;
  /** Serve PEP 691 JSON when asked for it (default true). */
  pep691?: boolean;
  /** Serve and advertise `.metadata` files of `packages` (default true). */
  pep658?: boolean;
  /** Serve the PyPI JSON API of `packages` under /pypi/ (default true). */
  jsonApi?: boolean;
  /** Every request waits for it before it is answered (a slow index whose speed the test controls). */
  gate?: Promise<void>;
  /** `url` with PyPI's trailing slash (default), or without it as users also write it. */
  trailingSlash?: boolean;
}

export interface IndexRequest {
  method: string;
  path: string;
  accept: string;
  /** The If-None-Match the client sent (a revalidation). */
  ifNoneMatch?: string;
  authorization?: string;
}

export interface RunningIndex {
  /** The simple index URL of `packages` (`http://127.0.0.1:<port>/simple/`), as `--index-url` takes it; a client
   *  that appends `/name/` to it is answered too. */
  url: string;
  /** The server root (`http://127.0.0.1:<port>`): the JSON API is `${root}/pypi/<name>/json`, a folder `${root}<prefix>`. */
  root: string;
  close(): Promise<void>;
  requests: IndexRequest[];
}

const normalize = (n: string) => n.replace(/[-_.]+/g, '-').toLowerCase();
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

interface ServedFile {
  filename: string;
  release: IndexRelease;
  data: Buffer;
  metadata?: string;
}

interface Project {
  name: string;
  releases: IndexRelease[];
  files: ServedFile[];
}

function filesOf(name: string, release: IndexRelease): ServedFile[] {
  const names = release.files ?? [`${wheelName(name)}-${release.version}-py3-none-any.whl`];
  return names.map((filename) => {
    const wheel = /^([^-]+)-([^-]+)(?:-\d[^-]*)?-([^-]+-[^-]+-[^-]+)\.whl$/.exec(filename);
    if (wheel) {
      const built = buildWheel({ name, version: decodeURIComponent(wheel[2]), requires_dist: release.requires_dist, requires_python: release.requires_python, tag: wheel[3] });
      return { filename, release, data: built.bytes, metadata: built.metadata };
    }
    return { filename, release, data: Buffer.from(`sdist of ${name} ${release.version}\n`) };
  });
}

/** The wheels of a folder as projects (no metadata files: clients read the wheels). */
function folderProjects(dir: string): Map<string, Project> {
  const out = new Map<string, Project>();
  for (const filename of readdirSync(dir).filter((f) => f.endsWith('.whl')).sort()) {
    const [name, version] = filename.split('-');
    const key = normalize(name);
    const project = out.get(key) ?? { name: key, releases: [], files: [] };
    const release = { version };
    project.releases.push(release);
    project.files.push({ filename, release, data: readFileSync(join(dir, filename)) });
    out.set(key, project);
  }
  return out;
}

export async function startIndex(options: IndexOptions): Promise<RunningIndex> {
  const pep691 = options.pep691 ?? true;
  const pep658 = options.pep658 ?? true;
  const jsonApi = options.jsonApi ?? true;
  // URL prefix -> its projects by normalized name.
  const roots = new Map<string, Map<string, Project>>();
  if (options.packages) {
    const projects = new Map<string, Project>();
    for (const [name, releases] of Object.entries(options.packages)) {
      projects.set(normalize(name), { name, releases, files: releases.flatMap((r) => filesOf(name, r)) });
    }
    roots.set('/simple', projects);
  }
  for (const [prefix, dir] of Object.entries(options.folders ?? {})) roots.set(prefix.replace(/\/+$/, ''), folderProjects(dir));
  const requests: IndexRequest[] = [];
  let origin = '';

  // The files of `packages` are at /files/ (as PyPI serves them from another path than its pages); a folder's at <prefix>/files/.
  const filesPath = (prefix: string) => (prefix === '/simple' && options.packages ? '/files' : `${prefix}/files`);
  const fileUrl = (prefix: string, f: ServedFile) => `${origin}${filesPath(prefix)}/${encodeURIComponent(f.filename)}`;
  const yankedOf = (r: IndexRelease) => (r.yanked === undefined || r.yanked === false ? false : r.yanked === true ? true : r.yanked);

  const answer = (req: IncomingMessage, res: ServerResponse) => {
    // Every 200 answer carries an ETag; a matching If-None-Match gets 304.
    const send = (status: number, type: string, body: string | Buffer) => {
      const etag = `"${sha256(body).slice(0, 32)}"`;
      if (status === 200 && req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag });
        res.end();
        return;
      }
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...(status === 200 ? { etag } : {}) });
      res.end(body);
    };
    // `${url}/name/` (a client appending to the URL) reads as `/simple/name/`.
    const path = decodeURIComponent(new URL(req.url ?? '/', origin).pathname).replace(/\/{2,}/g, '/');
    const accept = String(req.headers.accept ?? '');
    requests.push({ method: req.method ?? 'GET', path, accept, ...(req.headers['if-none-match'] ? { ifNoneMatch: String(req.headers['if-none-match']) } : {}),
      ...(req.headers.authorization ? { authorization: String(req.headers.authorization) } : {}) });
    const wantsJson = pep691 && accept.includes('application/vnd.pypi.simple.v1+json');
    let m: RegExpExecArray | null;
    if (jsonApi && options.packages && (m = /^\/pypi\/([^/]+)\/(?:([^/]+)\/)?json$/.exec(path))) return jsonApiAnswer(send, m[1], m[2]);
    const at = (p: string) => path === p || path.startsWith(`${p}/`);
    const prefix = [...roots.keys()].filter((p) => at(p) || at(filesPath(p))).sort((a, b) => b.length - a.length)[0];
    if (prefix === undefined) return send(404, 'text/plain', 'not found');
    const projects = roots.get(prefix)!;
    const rest = at(filesPath(prefix)) ? path.slice(filesPath(prefix).length - '/files'.length) : path.slice(prefix.length);
    if (rest === '' || rest === '/') {
      const names = [...projects.values()].map((p) => p.name);
      if (wantsJson) return send(200, 'application/vnd.pypi.simple.v1+json', JSON.stringify({ meta: { 'api-version': '1.1' }, projects: names.map((n) => ({ name: n })) }));
      return send(200, 'text/html', `<!DOCTYPE html><html><body>${names.map((n) => `<a href="${esc(normalize(n))}/">${esc(n)}</a>`).join('\n')}</body></html>`);
    }
    if ((m = /^\/files\/(.+)$/.exec(rest))) {
      const isMeta = m[1].endsWith('.metadata');
      const name = isMeta ? m[1].slice(0, -'.metadata'.length) : m[1];
      const f = [...projects.values()].flatMap((p) => p.files).find((x) => x.filename === name);
      if (f && isMeta) return pep658 && f.metadata ? send(200, 'application/octet-stream', f.metadata) : send(404, 'text/plain', 'not found');
      if (f) return send(200, 'application/octet-stream', f.data);
    }
    if ((m = /^\/([^/]+)\/?$/.exec(rest))) {
      const key = normalize(m[1]);
      const project = projects.get(key);
      if (!project) return send(404, 'text/plain', 'not found');
      if (m[1] !== key || !path.endsWith('/')) { res.writeHead(301, { location: `${prefix}/${key}/` }); return res.end(); }
      const metadataOf = (f: ServedFile) => (pep658 ? f.metadata : undefined);
      if (wantsJson) {
        return send(200, 'application/vnd.pypi.simple.v1+json', JSON.stringify({
          meta: { 'api-version': '1.1' }, name: key,
          versions: [...new Set(project.releases.map((r) => r.version))],
          files: project.files.map((f) => ({
            filename: f.filename, url: fileUrl(prefix, f), hashes: { sha256: sha256(f.data) },
            ...(f.release.requires_python ? { 'requires-python': f.release.requires_python } : {}),
            ...(yankedOf(f.release) !== false ? { yanked: yankedOf(f.release) } : {}),
            ...(metadataOf(f) ? { 'core-metadata': { sha256: sha256(metadataOf(f)!) }, 'dist-info-metadata': { sha256: sha256(metadataOf(f)!) } } : {}),
            size: f.data.length,
          })),
        }));
      }
      const links = project.files.map((f) => {
        const attrs = [`href="${esc(fileUrl(prefix, f))}#sha256=${sha256(f.data)}"`];
        if (f.release.requires_python) attrs.push(`data-requires-python="${esc(f.release.requires_python)}"`);
        const y = yankedOf(f.release);
        if (y !== false) attrs.push(y === true ? 'data-yanked' : `data-yanked="${esc(y)}"`);
        const meta = metadataOf(f);
        if (meta) attrs.push(`data-dist-info-metadata="sha256=${sha256(meta)}"`, `data-core-metadata="sha256=${sha256(meta)}"`);
        return `<a ${attrs.join(' ')}>${esc(f.filename)}</a><br/>`;
      });
      return send(200, 'text/html', `<!DOCTYPE html>\n<html><head><meta name="pypi:repository-version" content="1.1"><title>Links for ${esc(key)}</title></head><body><h1>Links for ${esc(key)}</h1>\n${links.join('\n')}\n</body></html>`);
    }
    return send(404, 'text/plain', 'not found');
  };

  const jsonApiAnswer = (send: (status: number, type: string, body: string) => void, name: string, version: string | undefined) => {
    const project = roots.get('/simple')!.get(normalize(name));
    if (!project) return send(404, 'application/json', JSON.stringify({ message: 'Not Found' }));
    const fileJson = (f: ServedFile) => ({
      filename: f.filename, url: fileUrl('/simple', f), digests: { sha256: sha256(f.data) }, requires_python: f.release.requires_python ?? null,
      yanked: yankedOf(f.release) !== false, yanked_reason: typeof yankedOf(f.release) === 'string' ? yankedOf(f.release) : null,
      packagetype: f.filename.endsWith('.whl') ? 'bdist_wheel' : 'sdist', size: f.data.length,
    });
    const info = (r: IndexRelease) => ({
      name: project.name, version: r.version, requires_dist: r.requires_dist?.length ? r.requires_dist : null,
      requires_python: r.requires_python ?? '', yanked: yankedOf(r) !== false, yanked_reason: typeof yankedOf(r) === 'string' ? yankedOf(r) : null,
    });
    if (version) {
      const release = project.releases.find((r) => r.version === version);
      if (!release) return send(404, 'application/json', JSON.stringify({ message: 'Not Found' }));
      return send(200, 'application/json', JSON.stringify({ info: info(release), urls: project.files.filter((f) => f.release === release).map(fileJson) }));
    }
    const newest = project.releases[project.releases.length - 1];
    const releases: Record<string, unknown[]> = {};
    for (const r of project.releases) releases[r.version] = project.files.filter((f) => f.release === r).map(fileJson);
    return send(200, 'application/json', JSON.stringify({ info: info(newest), releases, urls: releases[newest.version] }));
  };

  const server = createServer((req, res) => {
    const run = () => {
      try { answer(req, res); } catch (e) { res.writeHead(500, { 'content-type': 'text/plain' }); res.end(String(e)); }
    };
    if (options.gate) void options.gate.then(run); else run();
  });
  const loopback = await listenLoopback(server);
  origin = loopback.origin;
  return { url: `${origin}/simple${options.trailingSlash === false ? '' : '/'}`, root: origin, requests, close: loopback.close };
}
