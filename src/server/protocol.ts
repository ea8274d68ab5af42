// The server's own messages, besides LSP. Editors other than VS Code need none of them: they are how the VS Code
// extension keeps what only it has (status bar, test generation, remote and virtual file systems) in step.
import { braceGlob } from '../core/formats/patterns';
import { SKIPPED_FOLDERS } from '../core/paths';
import type { Range, Severity } from '../core/types';

export const METHODS = {
  /** server -> client notification: scan and check state and counts, for a status item. */
  status: 'mlPins/status',
  /** client -> server request: resolves when the scan is done and no check is scheduled or running. */
  whenIdle: 'mlPins/whenIdle',
  /** client -> server request {uri}: models and install command from [tool.ml-pins] (trusted workspaces only). */
  projectSettings: 'mlPins/projectSettings',
  /** client -> server request ModelFindingsParams: the engine's findings on pins whose environment admits no version
   *  of the library the model was saved with (settings applied: a disabled rule gives none). */
  modelFindings: 'mlPins/modelFindings',
  /** client -> server request {uri, name}: every pin of package `name` (PEP 503 name) in the uri's project. */
  pinsOf: 'mlPins/pinsOf',
  /** client -> server notification: read every manifest again and check the workspace. */
  recheck: 'mlPins/recheck',
  /** client -> server notification {trusted}: the workspace was trusted (rule files and install commands count). */
  trust: 'mlPins/trust',
  /** client -> server notification {folder, executable, source, python?}: the Python the folder runs on (`python`:
   *  its X.Y when the client knows it, e.g. from the Python extension). */
  interpreter: 'mlPins/interpreter',
  /** client -> server request {folder}: the interpreter last sent for it, or null. */
  interpreterOf: 'mlPins/interpreterOf',
  /** server -> client request {uri}: {base64} of the file, or null (files the server cannot read itself). */
  readFile: 'mlPins/readFile',
  /** server -> client request {folder}: manifest URIs under the folder. */
  findFiles: 'mlPins/findFiles',
} as const;

export interface StatusParams {
  checking: boolean;
  read: number;
  total: number;
  errors: number;
  warnings: number;
  information: number;
  /** The environment each folder is checked against (the interpreter's, read from its metadata files). */
  environments?: EnvironmentStatus[];
}

export interface EnvironmentStatus {
  /** Workspace folder URI. */
  folder: string;
  /** The interpreter the client sent. */
  executable: string;
  /** How messages name it (`.venv`), when it could be read. */
  label?: string;
  python?: string;
  platform?: string;
  /** Installed distributions read. */
  packages?: number;
  /** Why it could not be read. */
  problem?: string;
}

export interface ProjectSettingsResult {
  models: string[];
  installCommand: string[];
}

export interface ModelFindingsParams {
  uri: string;
  /** The model's Hub id, for the message. */
  model: string;
  /** PEP 503 name of the library that saved the model (diffusers, transformers) and its version. */
  library: string;
  version: string;
}

export interface ModelFinding {
  uri: string;
  range: Range;
  code: string;
  severity: Severity;
  message: string;
}

/** A pin: its file, range and text. */
export interface PinLocation {
  uri: string;
  range: Range;
  text: string;
}

declare const ML_PINS_MANIFEST_GLOBS: string[] | undefined;

/**
 * The manifest formats' file patterns (src/core/formats), evaluated by the build (scripts/build.mjs) so that the
 * extension carries no parser. Empty when this module runs unbundled (the unit tests, which do not use it).
 */
export const MANIFEST_GLOBS: readonly string[] = typeof ML_PINS_MANIFEST_GLOBS === 'undefined' ? [] : ML_PINS_MANIFEST_GLOBS;
/** The manifest names a client should search for (VS Code's findFiles syntax). */
export const MANIFEST_GLOB = braceGlob(MANIFEST_GLOBS);
export const EXCLUDE_GLOB = `**/{${SKIPPED_FOLDERS.join(',')}}/**`;

/** The payload of an mlPins/readFile answer. */
export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
