// Where the project's read-only reference data lives: `shared/` beside the repository (as on developer machines and
// in CI, which clones the repository next to a copy of it). ML_PINS_SHARED overrides it.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const SHARED = process.env.ML_PINS_SHARED ?? resolve(import.meta.dirname, '..', '..', 'shared');

if (!existsSync(join(SHARED, 'conformance'))) {
  throw new Error(`conformance data not found in ${SHARED}: set ML_PINS_SHARED to the shared/ folder`);
}

export const CONFORMANCE = join(SHARED, 'conformance');
