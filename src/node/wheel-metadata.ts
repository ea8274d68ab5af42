// The METADATA file of a wheel on disk (a `--find-links` folder): only the one `<dist>.dist-info/METADATA` entry is
// read. Bounded: archives and entries above the limits, or anything malformed, give undefined.
import { withZip } from './zip';

const MAX_METADATA = 4 << 20;
const MAX_DIRECTORY = 16 << 20;

export function wheelMetadata(path: string): string | undefined {
  return withZip(path, MAX_DIRECTORY, (zip) => {
    for (const entry of zip.entries()) {
      if (/^[^/]+\.dist-info\/METADATA$/.test(entry.name)) return zip.read(entry, MAX_METADATA)?.toString('utf8');
    }
    return undefined;
  });
}
