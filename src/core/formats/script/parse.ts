// `pip install` commands in shell scripts and Dockerfiles. A small POSIX-shell tokenizer (shell.ts) turns the text
// into commands of words (words.ts: quotes removed, each word keeping the way back to the document), then every command
// that runs pip (`pip install`, `python -m pip install`, `uv pip install`, behind sudo/env/assignments) yields
// requirements, indexes and `-r`/`-c` includes (pip.ts). Dockerfiles are read by instruction (dockerfile.ts).
// Everything is a single forward scan: no backtracking, no regex over the whole text.
//
// This file: the entry point (commands.ts reads each command, nested shells and index variables).

import { LineIndex } from '../../text';
import type { ParsedManifest } from '../../types';
import { syntaxFinding } from '../requirement';
import { scanShell } from './shell';
import { type PipArgsContext, type PipSink, basename } from './pip';
import { parseDockerfile } from './dockerfile';
import { analyzeCommand } from './commands';

function emptyManifest(path: string): ParsedManifest {
  return { path, kind: 'script', requirements: [], findings: [], indexes: [], includes: [] };
}

/** Where pip arguments found in a file go; shared with the Python reader (pip run from Python). */
export function makeSink(manifest: ParsedManifest, index: LineIndex): PipSink {
  let block = 0;
  return {
    path: manifest.path,
    index,
    requirements: manifest.requirements,
    findings: manifest.findings,
    indexes: manifest.indexes,
    includes: manifest.includes,
    get localInstalls() { return manifest.localInstalls; },
    set localInstalls(value) { manifest.localInstalls = value; },
    nextBlock: () => block++,
  };
}

/** True for Dockerfile, Dockerfile.gpu, app.dockerfile, Containerfile... */
export function isDockerfilePath(path: string): boolean {
  const name = basename(path).toLowerCase();
  return name.startsWith('dockerfile') || name.startsWith('containerfile') || name.endsWith('dockerfile') || name.endsWith('containerfile');
}

/** Parses a shell script or Dockerfile (chosen by the file name) into its `pip install` requirements. */
export function parseScript(path: string, text: string): ParsedManifest {
  const manifest = emptyManifest(path);
  const index = new LineIndex(text);
  const sink = makeSink(manifest, index);
  try {
    if (isDockerfilePath(path)) parseDockerfile(text, sink);
    else {
      const context: PipArgsContext = {}; // one for the script: exported index variables hold for later commands
      scanShell(text, 0, text.length, { onCommand: (c) => analyzeCommand(c, text, sink, context, 0) });
    }
  } catch (e) {
    // A bug here must not take the whole check down; report it where the user can see it.
    manifest.findings.push(syntaxFinding('internal-error', `ML Pins could not read this script: ${(e as Error).message}`, index.range(0, 0), 'information'));
  }
  return manifest;
}
