// The manifest formats ML Pins reads, in the order a file name is matched against them. A new format is a folder
// beside these (see types.ts for what it provides) and one entry here.
import { condaFormat } from './conda';
import { pipfileFormat } from './pipfile';
import { pixiFormat } from './pixi';
import { pyprojectFormat } from './pyproject';
import { pythonFormat } from './python';
import { formatRegistry } from './registry';
import { requirementsFormat } from './requirements';
import { scriptFormat } from './script';
import { setupCfgFormat } from './setupcfg';
import type { ManifestFormat } from './types';

export const FORMATS: readonly ManifestFormat[] = [
  pyprojectFormat,
  pipfileFormat,
  setupCfgFormat,
  condaFormat,
  scriptFormat,
  pythonFormat,
  pixiFormat,
  requirementsFormat, // last: the fallback for a file no other format claims
];

export const {
  detectManifestKind, formatFor, formatOf, kindByExtension, parseManifest, decodeManifest, hasOwnEncoding, scopeTraits,
} = formatRegistry(FORMATS, requirementsFormat.kind);

export { invalidUtf8Offset } from './decode';
export { activationEvents, braceGlob, manifestGlobs } from './patterns';
export type * from './types';
