// Which files of a model repo a pipeline needs. Mirrors select_pipeline_files in python/ml_pins_runner.py, so the size
// the extension shows is the size the runner downloads (a test runs both on the same file list).

import { fileName } from '../core/paths';

export interface PipelineFileSelection {
  files: string[];
  /** 'fp16' when fp16 variant weights were chosen for at least one folder (load with variant="fp16"). */
  variant: 'fp16' | null;
  kind: 'diffusers' | 'transformers';
}

const SKIP_DIRS = new Set(['onnx', 'flax', 'openvino', 'coreml', 'tf', 'tensorflow', 'jax']);
const WEIGHT_EXTS = ['.safetensors', '.bin'];


function isConfigFile(path: string): boolean {
  const base = fileName(path);
  return (
    base.endsWith('.json') ||
    (base.endsWith('.txt') && base !== 'LICENSE.txt' && !base.startsWith('README')) ||
    base.endsWith('.model') ||
    base.endsWith('.tiktoken') ||
    base.startsWith('vocab') ||
    (base.startsWith('tokenizer') && !/\.(bin|safetensors|pt)$/.test(base))
  );
}

/** '' for plain weights, 'fp16' for `x.fp16.safetensors` / `x.fp16-00001-of-00002.safetensors`, null if not weights. */
export function weightVariant(path: string): string | null {
  const base = fileName(path);
  for (const ext of WEIGHT_EXTS) {
    if (base.endsWith(ext)) {
      const stem = base.slice(0, -ext.length).replace(/-\d{5}-of-\d{5}$/, '');
      const dot = stem.indexOf('.');
      return dot === -1 ? '' : stem.slice(dot + 1);
    }
  }
  return null;
}

/**
 * Configs and tokenizer files of the root and of each component folder; per folder the fp16 safetensors when present,
 * else the plain safetensors, else the .bin weights. Never .ckpt/.pt/.h5/.msgpack/.onnx; root single-file checkpoints of
 * a diffusers repo are skipped. `components` are the model_index.json entries that are not null.
 */
export function selectPipelineFiles(files: readonly string[], components?: readonly string[]): PipelineFileSelection {
  const sorted = [...new Set(files)].sort();
  const isDiffusers = sorted.includes('model_index.json');
  const folders = new Map<string, string[]>();
  for (const f of sorted) {
    const slash = f.lastIndexOf('/');
    const folder = slash === -1 ? '' : f.slice(0, slash);
    const list = folders.get(folder) ?? [];
    list.push(f);
    folders.set(folder, list);
  }
  let wantedDirs: string[];
  let weightDirs: Set<string>;
  if (isDiffusers) {
    const comps =
      components ??
      [...new Set(sorted.filter((f) => f.includes('/')).map((f) => f.slice(0, f.indexOf('/'))))].filter((d) => !SKIP_DIRS.has(d)).sort();
    wantedDirs = ['', ...comps];
    weightDirs = new Set(comps);
  } else {
    wantedDirs = [''];
    weightDirs = new Set(['']);
  }
  const chosen: string[] = [];
  let variantUsed = false;
  for (const dir of wantedDirs) {
    const members = folders.get(dir) ?? [];
    chosen.push(...members.filter(isConfigFile));
    if (!weightDirs.has(dir)) continue;
    const st = members.filter((f) => f.endsWith('.safetensors'));
    const fp16 = st.filter((f) => weightVariant(f) === 'fp16');
    const plainSt = st.filter((f) => weightVariant(f) === '');
    const bins = members.filter((f) => f.endsWith('.bin') && (weightVariant(f) === '' || weightVariant(f) === 'fp16'));
    if (fp16.length) {
      chosen.push(...fp16);
      variantUsed = true;
    } else if (plainSt.length) {
      chosen.push(...plainSt);
    } else if (bins.length) {
      const plainBins = bins.filter((f) => weightVariant(f) === '');
      chosen.push(...(plainBins.length ? plainBins : bins));
      if (!plainBins.length) variantUsed = true;
    }
  }
  return { files: [...new Set(chosen)].sort(), variant: variantUsed ? 'fp16' : null, kind: isDiffusers ? 'diffusers' : 'transformers' };
}

/** Component folders of a diffusers model_index.json (entries whose value is [library, class] with a library). */
export function componentsFromModelIndex(index: unknown): string[] | undefined {
  if (!index || typeof index !== 'object' || Array.isArray(index)) return undefined;
  return Object.entries(index as Record<string, unknown>)
    .filter(([k, v]) => !k.startsWith('_') && Array.isArray(v) && v.length === 2 && v[0] !== null)
    .map(([k]) => k)
    .sort();
}
