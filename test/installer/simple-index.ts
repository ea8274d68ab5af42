// The installer tests' view of the loopback index (test/support/index-server.ts): folders of wheels, each under its
// own prefix (`/pypi/simple`, `/whl/rocm5.7` as PyTorch's index has it), and the paths requested, in order.
import { startIndex as startLoopbackIndex } from '../support/index-server';

export interface IndexServer {
  /** `http://127.0.0.1:PORT` */
  base: string;
  /** Paths requested, in order (to see which index pip asked). */
  readonly requests: string[];
  close(): Promise<void>;
}

/** Serves `roots`: URL prefix (`/pypi/simple`, `/whl/cu121`) -> folder of wheels. */
export async function startIndex(roots: Record<string, string>): Promise<IndexServer> {
  const index = await startLoopbackIndex({ folders: roots });
  return { base: index.root, get requests() { return index.requests.map((r) => r.path); }, close: index.close };
}
