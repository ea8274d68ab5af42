// `ml-pins` as installed (dist/cli.js): a small start-up entry in front of the CLI bundle (dist/cli-main.js, built
// from main.ts, which runs on its own too). A one-shot process spends most of its time starting up, so this entry
// (1) turns off V8's optimizing compiler, whose background compiles cost more CPU than they save in a run this
// short, and (2) loads the bundle through a V8 code cache kept in the user's cache folder, so later runs skip
// compiling it. The cache is keyed by the ML Pins version, the bundle's size and time, Node's version and the CPU
// architecture, and V8 rejects (and this entry rewrites) a cache it cannot use. ML_PINS_CODE_CACHE=0 turns it off.
// Any failure here falls back to a plain require of the bundle.
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';

declare const ML_PINS_VERSION: string | undefined;
const VERSION = typeof ML_PINS_VERSION === 'string' ? ML_PINS_VERSION : '0.0.0-dev';

function cacheDir(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  if (xdg) return join(xdg, 'ml-pins');
  if (process.platform === 'win32' && process.env.LOCALAPPDATA) return join(process.env.LOCALAPPDATA, 'ml-pins', 'Cache');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'ml-pins');
  const home = homedir();
  return home ? join(home, '.cache', 'ml-pins') : join(tmpdir(), 'ml-pins');
}

function run(): void {
  const file = join(__dirname, 'cli-main.js');
  const require = createRequire(file);
  if (process.env.ML_PINS_CODE_CACHE === '0') {
    require(file);
    return;
  }
  let script: Script;
  let cached: Buffer | undefined;
  let cacheFile: string;
  try {
    const st = statSync(file);
    cacheFile = join(cacheDir(), `cli-${VERSION}-${st.size}-${Math.trunc(st.mtimeMs)}-${process.version}-${process.arch}.v8cache`);
    try { cached = readFileSync(cacheFile); } catch { cached = undefined; }
    const source = readFileSync(file, 'utf8');
    // A script compiled here has no loader for `import()` (Node 20's main-context loader for vm is experimental and
    // warns): a bundle that imports dynamically is left to Node's own loader.
    if (source.includes('import(')) {
      require(file);
      return;
    }
    // The CommonJS wrapper, as Node's loader writes it.
    script = new Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n})`, { filename: file, cachedData: cached });
  } catch {
    require(file);
    return;
  }
  // A run that only prints the version or the help compiles little: the cache is left to a run that checks.
  const argv = process.argv.slice(2);
  const informational = argv.length === 0 || argv.some((a) => a === '-v' || a === '--version' || a === '-h' || a === '--help');
  if ((cached === undefined || script.cachedDataRejected) && !informational) {
    // Written when the run ends, so the functions this run compiled are in the cache too.
    process.once('exit', () => {
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      try {
        const dir = cacheDir();
        mkdirSync(dir, { recursive: true });
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cacheFile);
        // Caches of other versions and builds are dead weight: one cache is kept.
        for (const name of readdirSync(dir)) {
          if (/^cli-.*\.v8cache$/.test(name) && join(dir, name) !== cacheFile) unlinkSync(join(dir, name));
        }
      } catch {
        try { unlinkSync(tmp); } catch { /* nothing was written */ }
      }
    });
  }
  const module = { exports: {}, filename: file, id: file, loaded: false, require };
  (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, require, module, file, __dirname);
  module.loaded = true;
}

setFlagsFromString('--no-opt');
run();
