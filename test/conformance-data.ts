// The external conformance data the tests run (PEP 440/508 vectors, pip's requirement-file cases, toml-test), kept in
// the repository under test/fixtures/conformance/ with its origin and licences (see the README there).
import { join } from 'node:path';

export const CONFORMANCE = join(import.meta.dirname, 'fixtures', 'conformance');
