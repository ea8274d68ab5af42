// What the server needs of its platform (Node or a browser worker) and what the client tells it at initialization,
// with the small helpers both sides of the server use.
import { DiagnosticSeverity } from 'vscode-languageserver';
import type { InstalledEnvironment } from '../core/engine/config';
import type { MetadataProvider } from '../core/metadata/provider';
import { FORMATS, manifestGlobs } from '../core/formats';
import type { Severity } from '../core/types';
import type { CheckInput } from '../core/engine/check';
import type { DeclaredMetadataHooks } from '../core/engine/resolution';
import type { MetadataSource } from '../core/resolver/types';
import type { IndexAccess } from './live';

/** At most this many manifests per workspace folder are read by the scan (memory stays bounded on huge trees). */
export const MAX_SCANNED = 10_000;
/** Watched-file globs: the formats' own, and any .txt/.in a requirement file may include (simple patterns: not every
 *  client expands braces). */
export const WATCH_GLOBS = [...manifestGlobs(FORMATS), '**/*.txt', '**/*.in'];

/** What the platform provides; anything missing is asked of the client (mlPins/readFile, mlPins/findFiles). */
export interface ServerHost {
  /** Bytes of a file, or undefined when the host cannot read this URI (another scheme) or it does not exist. */
  readFile?(uri: string): Promise<Uint8Array | undefined | 'unsupported'>;
  /** Manifest URIs under a folder, or 'unsupported'. */
  findManifests?(folderUri: string): Promise<string[] | 'unsupported'>;
  /** Base URI of the rule pages when the client names none. */
  docsBase?: string;
  /** Debug trace (ML_PINS_TRACE=<file> on Node). */
  trace?(line: string): void;
  /** The metadata snapshot (Node: metadata/ beside the bundle). Without it, the client's `metadataBase` is read. */
  metadata?: MetadataProvider;
  /** The installed environment of an interpreter (a venv's python, or its folder), read without running it; messages
   *  name it relative to the folder. In a trusted workspace the host may run the interpreter for what the files do
   *  not say (its Python, platform, site-packages); `python` is what the client already knows. */
  readEnvironment?(executable: string, folderUri: string, options: { trusted: boolean; python?: string }): Promise<InstalledEnvironment | undefined>;
  /** The network client for the project's package indexes (./live.ts); none: the snapshot only. */
  indexes?: IndexAccess;
  /** Check hooks over declared metadata (resolution conflicts, yanked pins, what pip picks) and the resolution they
   *  rest on; bundles without a resolver leave it out. `source` does not change while the hooks are in use. */
  checkHooks?(source: MetadataSource): Partial<CheckInput> & Partial<Pick<DeclaredMetadataHooks, 'resolution'>>;
}

export interface InitializationOptions {
  /** URI of the folder with one page per rule code (`<code>.md`): diagnostics and hovers link there. */
  docsBase?: string;
  /** The link to a rule's page with `{code}` for the rule code, instead of `<docsBase>/<code>.md` (VS Code: a command
   *  that shows the page rendered and read-only). */
  ruleLink?: string;
  /** false in an untrusted workspace: rule files and install commands from it are ignored. */
  trusted?: boolean;
  /** The client answers mlPins/readFile and mlPins/findFiles (VS Code: remote and virtual file systems). */
  fileAccess?: boolean;
  /** URI of the metadata snapshot folder (snapshot.json, packages/), read through the host or mlPins/readFile when
   *  the host has no snapshot of its own (the browser worker). */
  metadataBase?: string;
  /** Settings for clients without workspace/configuration (same keys as the VS Code settings, without `mlPins.`). */
  settings?: unknown;
  /** A client command that installs requirements into the folder's environment in a terminal, called with
   *  {folder, requirements, installer}: fixes for what is installed then also offer "…, and install it". */
  installCommand?: string;
}

export function toSeverity(s: Severity): DiagnosticSeverity {
  return s === 'error' ? DiagnosticSeverity.Error : s === 'warning' ? DiagnosticSeverity.Warning
    : s === 'information' ? DiagnosticSeverity.Information : DiagnosticSeverity.Hint;
}

/** Lets pending messages in: a macrotask (setImmediate where there is one: setTimeout clamps to 1-4 ms). */
export const yieldNow = () => new Promise<void>((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

