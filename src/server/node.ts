// The server on Node: `ml-pins server` / `node dist/server.js` speak LSP over stdio (the default; `--stdio` is
// accepted), or over IPC / a socket / a pipe when started with `--node-ipc`, `--socket=<port>` or `--pipe=<name>`
// (vscode-languageclient's transports). Files on disk are read and found here; other schemes are asked of the client.
import { appendFileSync, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { URI } from 'vscode-uri';
import { discoverManifests } from '../node/discover';
import { readInstalledEnvironment } from '../node/environment';
import { bundledMetadata } from '../node/metadata';
import { cacheDir, IndexClient } from '../node/index-client';
import { declaredMetadataHooks } from '../core/engine/resolution';
import { startServer, type ServerHost } from './server';
import { OneWriteMessageWriter } from './streamWriter';

export const nodeHost = (docsBase?: string): ServerHost => ({
  async readFile(uri) {
    const parsed = URI.parse(uri);
    if (parsed.scheme !== 'file') return 'unsupported';
    try {
      return await readFile(parsed.fsPath);
    } catch {
      return undefined;
    }
  },
  async findManifests(folderUri) {
    const parsed = URI.parse(folderUri);
    if (parsed.scheme !== 'file') return 'unsupported';
    try {
      return (await discoverManifests([parsed.fsPath], '/')).map((p) => URI.file(p).toString());
    } catch {
      return [];
    }
  },
  docsBase,
  metadata: bundledMetadata(),
  // The interpreter's environment, read from its metadata files; the interpreter runs only in a trusted workspace, for
  // what the files do not say. Installed findings.
  readEnvironment: async (executable, folderUri, { trusted, python }) => {
    const folder = URI.parse(folderUri);
    return readInstalledEnvironment(executable, folder.scheme === 'file' ? folder.fsPath : process.cwd(), undefined, { run: trusted, python });
  },
  indexes: { client: (sources) => new IndexClient({ indexes: sources.indexes, findLinks: sources.findLinks, bound: sources.bound, timeoutMs: 15_000, cacheDir: cacheDir(process.env) }) },
  checkHooks: declaredMetadataHooks,
  trace: process.env.ML_PINS_TRACE ? (line) => appendFileSync(process.env.ML_PINS_TRACE!, `${line}\n`) : undefined,
});

/** The rule pages shipped next to the bundle (dist/server.js -> docs/rules), when they are there. */
function shippedDocs(): string | undefined {
  const dir = typeof __dirname === 'string' ? join(__dirname, '..', 'docs', 'rules') : undefined;
  return dir && existsSync(dir) ? URI.file(dir).toString() : undefined;
}

export function startNodeServer(argv: readonly string[] = process.argv): void {
  const transport = argv.some((a) => a === '--node-ipc' || a.startsWith('--socket=') || a.startsWith('--pipe='));
  // stdio: stdin as a stream (the library exits when it ends), messages out through our writer (./streamWriter.ts);
  // the library takes a MessageWriter where its typings say stream (it wraps only what has addListener).
  const connection = transport ? createConnection(ProposedFeatures.all)
    : createConnection(ProposedFeatures.all, process.stdin, new OneWriteMessageWriter(process.stdout) as unknown as NodeJS.WritableStream);
  startServer(connection, nodeHost(shippedDocs()));
}
