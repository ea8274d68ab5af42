// A loopback package index speaking the simple repository API, PEP 503 (HTML) and PEP 691 (JSON, chosen by the
// Accept header as pip asks for it), for the installer tests. Each root (`/pypi/simple`, `/whl/rocm5.7` as PyTorch's
// index has it) serves the wheels of one folder: `<root>/` lists the projects, `<root>/<normalized name>/` their files
// (with sha256 fragments/hashes, `+` in local versions percent-encoded as PyTorch's index does), `<root>/files/<file>`
// the bytes.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface IndexServer {
  /** `http://127.0.0.1:PORT` */
  base: string;
  /** Paths requested, in order (to see which index pip asked). */
  requests: string[];
  close(): Promise<void>;
}

interface FileEntry { filename: string; sha256: string; bytes: Buffer }

const normalize = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');
const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function projectsOf(dir: string): Map<string, FileEntry[]> {
  const out = new Map<string, FileEntry[]>();
  for (const filename of readdirSync(dir).filter((f) => f.endsWith('.whl')).sort()) {
    const bytes = readFileSync(join(dir, filename));
    const name = normalize(filename.split('-')[0]);
    const list = out.get(name) ?? [];
    list.push({ filename, sha256: createHash('sha256').update(bytes).digest('hex'), bytes });
    out.set(name, list);
  }
  return out;
}

/** Serves `roots`: URL prefix (`/pypi/simple`, `/whl/cu121`) -> folder of wheels. */
export async function startIndex(roots: Record<string, string>): Promise<IndexServer> {
  const served = new Map(Object.entries(roots).map(([prefix, dir]) => [prefix.replace(/\/+$/, ''), projectsOf(dir)]));
  const requests: string[] = [];
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    requests.push(path);
    const root = [...served.keys()].filter((p) => path.startsWith(`${p}/`)).sort((a, b) => b.length - a.length)[0];
    const projects = root !== undefined ? served.get(root)! : undefined;
    const rest = root !== undefined ? path.slice(root.length) : '';
    const json = /application\/vnd\.pypi\.simple\.v1\+json/.test(req.headers.accept ?? '');
    const send = (status: number, type: string, body: string | Buffer) => {
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    if (!projects) return send(404, 'text/plain', 'not found');
    if (rest === '/' || rest === '') {
      const names = [...projects.keys()];
      if (json) return send(200, 'application/vnd.pypi.simple.v1+json', JSON.stringify({ meta: { 'api-version': '1.0' }, projects: names.map((name) => ({ name })) }));
      return send(200, 'text/html', `<!DOCTYPE html><html><body>${names.map((n) => `<a href="${n}/">${n}</a>`).join('\n')}</body></html>`);
    }
    let m = /^\/files\/([^/]+)$/.exec(rest);
    const file = m && [...projects.values()].flat().find((f) => f.filename === m![1]);
    if (file) return send(200, 'application/octet-stream', file.bytes);
    m = /^\/([^/]+)\/?$/.exec(rest);
    if (m) {
      const name = m[1];
      const files = projects.get(normalize(name));
      if (!files) return send(404, 'text/plain', 'not found');
      if (normalize(name) !== name) { res.writeHead(301, { location: `${root}/${normalize(name)}/` }); res.end(); return; }
      const href = (f: FileEntry) => `${root}/files/${encodeURIComponent(f.filename)}`;
      if (json) {
        return send(200, 'application/vnd.pypi.simple.v1+json', JSON.stringify({ meta: { 'api-version': '1.0' }, name,
          files: files.map((f) => ({ filename: f.filename, url: href(f), hashes: { sha256: f.sha256 } })) }));
      }
      return send(200, 'text/html', `<!DOCTYPE html><html><body>${files.map((f) => `<a href="${escapeHtml(href(f))}#sha256=${f.sha256}">${escapeHtml(f.filename)}</a>`).join('<br>\n')}</body></html>`);
    }
    return send(404, 'text/plain', 'not found');
  };
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
