// A loopback stand-in for the Hugging Face Hub's HTTP API, used by the Hub client tests and the Python runner tests.
// It serves the routes both clients call, with the real Hub's status codes and X-Error-Code headers:
//   GET /api/models?search=&filter=&limit=           model search (ApiModelInfo-like objects)
//   GET /api/models/<id>[/revision/<rev>]            model info with siblings (sizes with ?blobs=true)
//   GET /api/models/<id>/tree/<rev>?recursive=true   file listing with sizes
//   GET|HEAD /<id>/resolve/<rev>/<path>              file content, Range requests, 401/403 for gated repos
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { listenLoopback } from '../support/loopback';

export interface FakeRepo {
  id: string;
  /** Path -> content. */
  files: Record<string, string | Buffer>;
  gated?: false | 'auto' | 'manual';
  license?: string;
  pipelineTag?: string;
  libraryName?: string;
  tags?: string[];
  downloads?: number;
  likes?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** Whether a bearer token was sent (never the token itself). */
  authorized: boolean;
}

export interface FakeHubOptions {
  repos: FakeRepo[];
  /** The one token that grants access to gated repos. */
  validToken?: string;
  /** Called when a request carrying the valid token is being served (before answering). */
  onAuthorizedRequest?: (path: string) => void;
}

export interface FakeHub {
  url: string;
  requests: RecordedRequest[];
  /** The next `times` downloads of `<id>/<file>` send half the body and then drop the connection, as an
   *  interrupted download does. */
  interrupt(repoFile: string, times?: number): void;
  close(): Promise<void>;
}

function sha(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': data.length, ...headers });
  res.end(data);
}

function hubError(res: ServerResponse, status: number, code: string, message: string): void {
  json(res, status, { error: message }, { 'X-Error-Code': code, 'X-Error-Message': message });
}

export async function startFakeHub(options: FakeHubOptions): Promise<FakeHub> {
  const repos = new Map(options.repos.map((r) => [r.id, r]));
  const requests: RecordedRequest[] = [];
  const interruptions = new Map<string, number>();

  const size = (content: string | Buffer): number => Buffer.byteLength(content);
  const info = (repo: FakeRepo, blobs: boolean, expand: string[]) => ({
    _id: sha(`id:${repo.id}`).slice(0, 24),
    id: repo.id,
    modelId: repo.id,
    sha: sha(`rev:${repo.id}`),
    private: false,
    gated: repo.gated ?? false,
    disabled: false,
    downloads: repo.downloads ?? 0,
    likes: repo.likes ?? 0,
    lastModified: '2024-06-12T00:00:00.000Z',
    pipeline_tag: repo.pipelineTag,
    library_name: repo.libraryName,
    tags: [...(repo.tags ?? []), ...(repo.libraryName ? [repo.libraryName] : []), ...(repo.license ? [`license:${repo.license}`] : [])],
    // The real search endpoint only returns cardData when asked to expand it; model info always has it.
    ...(expand.length === 0 || expand.includes('cardData') ? { cardData: repo.license ? { license: repo.license } : {} } : {}),
    siblings: Object.entries(repo.files).map(([rfilename, content]) => (blobs ? { rfilename, size: size(content) } : { rfilename })),
  });

  const authState = (req: IncomingMessage): 'none' | 'valid' | 'invalid' => {
    const header = req.headers.authorization;
    if (!header) return 'none';
    return options.validToken && header === `Bearer ${options.validToken}` ? 'valid' : 'invalid';
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = decodeURIComponent(url.pathname);
    const auth = authState(req);
    requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search, authorized: auth !== 'none' });
    if (auth === 'valid') options.onAuthorizedRequest?.(path);

    if (path === '/api/models') {
      const search = (url.searchParams.get('search') ?? '').toLowerCase();
      const filters = url.searchParams.getAll('filter');
      const limit = Number(url.searchParams.get('limit') ?? '50');
      const expand = url.searchParams.getAll('expand');
      const hits = [...repos.values()]
        .filter((r) => r.id.toLowerCase().includes(search))
        .filter((r) => filters.every((f) => r.libraryName === f || (r.tags ?? []).includes(f)))
        .sort((a, b) => (b.downloads ?? 0) - (a.downloads ?? 0))
        .slice(0, limit)
        .map((r) => {
          const { siblings: _omit, ...rest } = info(r, false, expand);
          return rest;
        });
      json(res, 200, hits);
      return;
    }

    const tree = /^\/api\/models\/([^/]+\/[^/]+)\/tree\/([^/]+)(?:\/(.*))?$/.exec(path);
    if (tree) {
      const repo = repos.get(tree[1]);
      if (!repo) return hubError(res, 404, 'RepoNotFound', `Repository not found: ${tree[1]}`);
      const prefix = tree[3] ? `${tree[3]}/` : '';
      const entries = Object.entries(repo.files)
        .filter(([p]) => p.startsWith(prefix))
        .map(([p, content]) => ({ type: 'file', path: p, size: size(content), oid: sha(`blob:${p}`) }));
      json(res, 200, entries);
      return;
    }

    const api = /^\/api\/models\/([^/]+\/[^/]+)(?:\/revision\/([^/]+))?$/.exec(path);
    if (api) {
      const repo = repos.get(api[1]);
      if (!repo) return hubError(res, 404, 'RepoNotFound', `Repository not found: ${api[1]}`);
      if (api[2] && api[2] !== 'main' && api[2] !== 'HEAD') return hubError(res, 404, 'RevisionNotFound', `Invalid rev id: ${api[2]}`);
      json(res, 200, info(repo, url.searchParams.get('blobs') === 'true', []));
      return;
    }

    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    if (resolve) {
      const [, id, rev, file] = resolve;
      const repo = repos.get(id);
      if (!repo) return hubError(res, 404, 'RepoNotFound', `Repository not found: ${id}`);
      if (repo.gated) {
        const message = `Access to model ${id} is restricted. You must have access to it and be authenticated to access it. Please log in.`;
        if (auth === 'none') return hubError(res, 401, 'GatedRepo', message);
        if (auth === 'invalid') return hubError(res, 403, 'GatedRepo', `${message} Your token has no access.`);
      }
      if (rev !== 'main' && rev !== sha(`rev:${id}`)) return hubError(res, 404, 'RevisionNotFound', `Invalid rev id: ${rev}`);
      const content = repo.files[file];
      if (content === undefined) return hubError(res, 404, 'EntryNotFound', `Entry not found: ${file}`);
      const body = Buffer.isBuffer(content) ? content : Buffer.from(content);
      const headers: Record<string, string | number> = {
        'Content-Type': 'application/octet-stream',
        ETag: `"${sha(body.toString('binary'))}"`,
        'X-Repo-Commit': sha(`rev:${id}`),
        'Accept-Ranges': 'bytes',
      };
      const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
      if (range) {
        const start = Number(range[1]);
        const end = Math.min(range[2] ? Number(range[2]) : body.length - 1, body.length - 1);
        const slice = body.subarray(start, end + 1);
        res.writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${body.length}`, 'Content-Length': slice.length });
        res.end(req.method === 'HEAD' ? undefined : slice);
        return;
      }
      const cut = interruptions.get(`${id}/${file}`) ?? 0;
      if (cut > 0 && req.method !== 'HEAD') {
        interruptions.set(`${id}/${file}`, cut - 1);
        res.writeHead(200, { ...headers, 'Content-Length': body.length });
        res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.destroy());
        return;
      }
      res.writeHead(200, { ...headers, 'Content-Length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    hubError(res, 404, 'NotFound', `no route for ${path}`);
  };

  const { origin, close } = await listenLoopback(createServer(handle));
  return { url: origin, requests, interrupt: (repoFile, times = 1) => void interruptions.set(repoFile, times), close };
}

/** A tiny diffusers repository: plain, fp16, .bin and root single-file weights, configs, tokenizer, README. */
export function diffusersRepo(id: string, diffusersVersion: string, extra: Partial<FakeRepo> = {}): FakeRepo {
  const weights = (seed: string) => Buffer.from(`fake-weights-${seed}-`.repeat(64));
  return {
    id,
    libraryName: 'diffusers',
    pipelineTag: 'text-to-image',
    license: 'openrail',
    files: {
      'model_index.json': JSON.stringify({
        _class_name: 'StableDiffusionPipeline',
        _diffusers_version: diffusersVersion,
        unet: ['diffusers', 'UNet2DConditionModel'],
        vae: ['diffusers', 'AutoencoderKL'],
        text_encoder: ['transformers', 'CLIPTextModel'],
        tokenizer: ['transformers', 'CLIPTokenizer'],
        scheduler: ['diffusers', 'PNDMScheduler'],
        safety_checker: [null, null],
      }),
      'unet/config.json': '{"sample_size": 32}',
      'unet/diffusion_pytorch_model.safetensors': weights('unet32'),
      'unet/diffusion_pytorch_model.fp16.safetensors': weights('unet16'),
      'unet/diffusion_pytorch_model.bin': weights('unetbin'),
      'vae/config.json': '{"latent_channels": 4}',
      'vae/diffusion_pytorch_model.safetensors': weights('vae32'),
      'vae/diffusion_pytorch_model.fp16.safetensors': weights('vae16'),
      'text_encoder/config.json': '{"hidden_size": 32}',
      'text_encoder/model.safetensors': weights('te32'),
      'text_encoder/pytorch_model.bin': weights('tebin'),
      'tokenizer/vocab.json': '{"a": 0}',
      'tokenizer/merges.txt': '#version: 0.2\n',
      'tokenizer/tokenizer_config.json': '{}',
      'scheduler/scheduler_config.json': '{"num_train_timesteps": 1000}',
      'safety_checker/model.safetensors': weights('unused'),
      'v1-5-pruned.ckpt': weights('ckpt'),
      'sd-single-file.safetensors': weights('single'),
      'README.md': '# tiny test pipeline\n',
      '.gitattributes': '*.safetensors filter=lfs\n',
    },
    ...extra,
  };
}

/** What a pipeline download of diffusersRepo() takes: fp16 safetensors where present, else plain safetensors;
 *  configs and tokenizer; nothing of safety_checker (null in model_index.json); no .bin, .ckpt, root checkpoint, README. */
export const EXPECTED_SD_FILES = [
  'model_index.json',
  'scheduler/scheduler_config.json',
  'text_encoder/config.json',
  'text_encoder/model.safetensors',
  'tokenizer/merges.txt',
  'tokenizer/tokenizer_config.json',
  'tokenizer/vocab.json',
  'unet/config.json',
  'unet/diffusion_pytorch_model.fp16.safetensors',
  'vae/config.json',
  'vae/diffusion_pytorch_model.fp16.safetensors',
];

/** A tiny transformers text model. */
export function transformersRepo(id: string, transformersVersion: string, extra: Partial<FakeRepo> = {}): FakeRepo {
  return {
    id,
    libraryName: 'transformers',
    pipelineTag: 'text-generation',
    license: 'mit',
    files: {
      'config.json': JSON.stringify({ model_type: 'gpt2', transformers_version: transformersVersion }),
      'model.safetensors': Buffer.from('fake-gpt2-weights-'.repeat(32)),
      'pytorch_model.bin': Buffer.from('fake-gpt2-bin-'.repeat(32)),
      'tf_model.h5': Buffer.from('fake-tf'),
      'vocab.json': '{"a": 0}',
      'merges.txt': '#version: 0.2\n',
      'tokenizer_config.json': '{}',
      'README.md': '# tiny gpt2\n',
    },
    ...extra,
  };
}
