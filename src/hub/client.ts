// Hugging Face Hub look-ups for the extension and the CLI: model search, model metadata, the library version a model
// was saved with. A thin layer over @huggingface/hub that adds timeouts, alias/id validation and errors the UI can
// branch on. No `vscode` and no Node-only imports: it runs in Node and in a browser (web extension host).
import { downloadFile, HubApiError, listFiles, listModels, modelInfo, type ListFileEntry } from '@huggingface/hub';
import { resolveModelId } from './aliases';
import { componentsFromModelIndex, selectPipelineFiles } from './files';

export { isValidRepoId, resolveModelAlias, resolveModelId, MODEL_ALIASES } from './aliases';
export { selectPipelineFiles, weightVariant, type PipelineFileSelection } from './files';

export const DEFAULT_TIMEOUT_MS = 10_000;

export interface HubRequestOptions {
  /** Hub base URL (default https://huggingface.co); a mirror or a test server. */
  hubUrl?: string;
  /** A Hugging Face token (`hf_...`). Sent only as an Authorization header. */
  accessToken?: string;
  /** Cancels the request (e.g. the user typed again). */
  signal?: AbortSignal;
  /** Whole-operation timeout; default 10 s. */
  timeoutMs?: number;
}

export type HubErrorKind = 'not-found' | 'gated' | 'timeout' | 'network' | 'cancelled';

/** Every failure of this module is one of these, so callers can switch on `kind`. */
export class HubClientError extends Error {
  override readonly name = 'HubClientError';
  constructor(
    readonly kind: HubErrorKind,
    message: string,
    /** HTTP status, when the Hub answered. */
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface ModelSearchResult {
  id: string;
  downloads?: number;
  likes?: number;
  gated: boolean;
  task?: string;
  license?: string;
}

export interface ModelFile {
  path: string;
  size: number;
}

export interface ModelDetails {
  id: string;
  gated: boolean;
  /** How access is granted when gated: automatically on accepting, or after a manual review. */
  gatedMode?: 'auto' | 'manual';
  license?: string;
  task?: string;
  library?: string;
  /** Every file in the repo, with sizes. */
  siblings: ModelFile[];
  /** The files the runner downloads for a pipeline (see selectPipelineFiles), and their total size in bytes. */
  pipelineFiles: string[];
  downloadSize: number;
  variant: 'fp16' | null;
}

export interface ModelLibraryVersion {
  library: 'diffusers' | 'transformers';
  /** The library version that saved the model; null when the file does not say. */
  version: string | null;
}

interface Scope {
  fetch: typeof fetch;
  hubUrl?: string;
  accessToken?: string;
  timedOut: () => boolean;
  cancelled: () => boolean;
  done: () => void;
}

/** A fetch bound to one signal that fires on the caller's abort or on the timeout, whichever comes first. */
function openScope(opts: HubRequestOptions): Scope {
  const controller = new AbortController();
  let timedOut = false;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError'));
  }, timeoutMs);
  const onAbort = (): void => controller.abort(opts.signal?.reason);
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  const scopedFetch = ((input: RequestInfo | URL, init?: RequestInit) =>
    globalThis.fetch(input, { ...init, signal: controller.signal })) as typeof fetch;
  return {
    fetch: scopedFetch,
    hubUrl: opts.hubUrl?.replace(/\/+$/, ''),
    accessToken: opts.accessToken || undefined,
    timedOut: () => timedOut,
    cancelled: () => !timedOut && controller.signal.aborted,
    done: () => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    },
  };
}

function toClientError(err: unknown, scope: Scope, what: string, timeoutMs: number): HubClientError {
  if (err instanceof HubClientError) return err;
  if (scope.timedOut()) return new HubClientError('timeout', `${what}: the Hub did not answer within ${timeoutMs / 1000} s`);
  if (scope.cancelled()) return new HubClientError('cancelled', `${what}: cancelled`);
  if (err instanceof HubApiError) {
    const status = err.statusCode;
    if (status === 401 || status === 403) {
      return new HubClientError(
        'gated',
        `${what}: the model is gated or private (HTTP ${status}). Accept its license on the Hub while logged in, then set your Hugging Face token.`,
        status,
      );
    }
    if (status === 404) return new HubClientError('not-found', `${what}: not found on the Hub`, status);
    return new HubClientError('network', `${what}: the Hub answered HTTP ${status}`, status);
  }
  // @huggingface/hub rejects tokens that do not start with hf_ before sending anything.
  if (err instanceof TypeError && /access token/i.test(err.message)) {
    return new HubClientError('gated', `${what}: ${err.message}`);
  }
  const message = err instanceof Error ? err.message : String(err);
  return new HubClientError('network', `${what}: ${message}`);
}

async function run<T>(opts: HubRequestOptions, what: string, body: (scope: Scope) => Promise<T>): Promise<T> {
  const scope = openScope(opts);
  try {
    return await body(scope);
  } catch (err) {
    throw toClientError(err, scope, what, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  } finally {
    scope.done();
  }
}

function checkedId(value: string): string {
  const id = resolveModelId(value);
  if (!id) throw new HubClientError('not-found', `"${value}" is not a Hub model id (owner/name) or a known alias`);
  return id;
}

function licenseFrom(cardLicense: unknown, tags: readonly string[] | undefined): string | undefined {
  if (typeof cardLicense === 'string') return cardLicense;
  if (Array.isArray(cardLicense) && typeof cardLicense[0] === 'string') return cardLicense[0];
  return tags?.find((t) => t.startsWith('license:'))?.slice('license:'.length);
}

/** Models matching `query`, most downloaded first. */
export async function searchModels(
  query: string,
  opts: HubRequestOptions & { library?: 'diffusers' | 'transformers'; limit?: number } = {},
): Promise<ModelSearchResult[]> {
  return run(opts, `searching the Hub for "${query}"`, async (scope) => {
    const out: ModelSearchResult[] = [];
    for await (const m of listModels({
      search: { query, ...(opts.library ? { tags: [opts.library] } : {}) },
      limit: opts.limit ?? 20,
      sort: 'downloads',
      additionalFields: ['tags'],
      hubUrl: scope.hubUrl,
      fetch: scope.fetch,
      ...(scope.accessToken ? { accessToken: scope.accessToken } : {}),
    })) {
      out.push({
        id: m.name, // `id` is the Hub's internal object id; `name` is owner/name
        downloads: m.downloads,
        likes: m.likes,
        gated: m.gated !== false && m.gated !== undefined,
        task: m.task,
        license: licenseFrom(undefined, m.tags),
      });
    }
    return out;
  });
}

/** Metadata, files with sizes, and the size of what a pipeline download fetches. */
export async function getModelInfo(idOrAlias: string, opts: HubRequestOptions = {}): Promise<ModelDetails> {
  const id = checkedId(idOrAlias);
  return run(opts, `reading ${id}`, async (scope) => {
    const common = { hubUrl: scope.hubUrl, fetch: scope.fetch, ...(scope.accessToken ? { accessToken: scope.accessToken } : {}) };
    const infoPromise = modelInfo({ name: id, revision: 'main', additionalFields: ['cardData', 'library_name', 'tags'], ...common });
    const filesPromise = (async () => {
      const files: ListFileEntry[] = [];
      for await (const f of listFiles({ repo: id, recursive: true, revision: 'main', ...common })) files.push(f);
      return files;
    })();
    const [info, entries] = await Promise.all([infoPromise, filesPromise]);
    const siblings = entries.filter((e) => e.type === 'file').map((e) => ({ path: e.path, size: e.lfs?.size ?? e.size }));
    const paths = siblings.map((s) => s.path);
    let components: string[] | undefined;
    if (paths.includes('model_index.json')) {
      // Restrict weights to the pipeline's components; gated repos need a token for this, else count every folder.
      components = componentsFromModelIndex(await readJson(id, 'model_index.json', scope).catch(() => undefined));
    }
    const selection = selectPipelineFiles(paths, components);
    const sizes = new Map(siblings.map((s) => [s.path, s.size]));
    const gated = info.gated !== false && info.gated !== undefined;
    return {
      id: info.name,
      gated,
      ...(gated ? { gatedMode: info.gated as 'auto' | 'manual' } : {}),
      license: licenseFrom(info.cardData?.license, info.tags),
      task: info.task,
      library: info.library_name,
      siblings,
      pipelineFiles: selection.files,
      downloadSize: selection.files.reduce((sum, f) => sum + (sizes.get(f) ?? 0), 0),
      variant: selection.variant,
    };
  });
}

async function readJson(id: string, path: string, scope: Scope): Promise<unknown | undefined> {
  const blob = await downloadFile({
    repo: id,
    path,
    revision: 'main',
    hubUrl: scope.hubUrl,
    fetch: scope.fetch,
    xet: false,
    ...(scope.accessToken ? { accessToken: scope.accessToken } : {}),
  });
  if (!blob) return undefined;
  try {
    return JSON.parse(await blob.text()) as unknown;
  } catch {
    return undefined; // not JSON: treat as absent
  }
}

/**
 * The library and version a model was saved with: `_diffusers_version` of model_index.json, else
 * `transformers_version` of config.json. null when the repo has neither file.
 */
export async function readModelLibraryVersion(idOrAlias: string, opts: HubRequestOptions = {}): Promise<ModelLibraryVersion | null> {
  const id = checkedId(idOrAlias);
  return run(opts, `reading the library version of ${id}`, async (scope) => {
    const index = await readJson(id, 'model_index.json', scope);
    if (index !== undefined) {
      const v = (index as Record<string, unknown>)?._diffusers_version;
      return { library: 'diffusers', version: typeof v === 'string' ? v : null };
    }
    const config = await readJson(id, 'config.json', scope);
    if (config !== undefined) {
      const v = (config as Record<string, unknown>)?.transformers_version;
      return { library: 'transformers', version: typeof v === 'string' ? v : null };
    }
    return null;
  });
}
