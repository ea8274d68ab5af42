// `ml-pins`: the engine on the command line, for CI. Exit 0: nothing at --fail-on; 1: findings at --fail-on;
// 2: usage or I/O errors, reported in one line without a stack trace.
import { parseArgs } from 'node:util';
import { createTwoFilesPatch } from 'diff';
import { fixProject } from '../core/engine/apply';
import { SEVERITY_RANK, type CheckSettings } from '../core/engine/config';
import { checkProject, knowledgeFrom, type CheckInput } from '../core/engine/check';
import type { Knowledge } from '../core/engine/knowledge';
import { FORMATS } from '../core/formats';
import { searchedFor } from '../core/formats/patterns';
import { genericRules } from '../core/metadata/derive';
import { bundledFamilies } from '../core/rules/bundled';
import { redactCredentials } from '../core/redact';
import { PLATFORMS, settingFlags, settingFlagsHelp, settingsFromFlags } from '../core/settings';
import type { Severity } from '../core/types';
import { readInstalledEnvironment } from '../node/environment';
import { bundledMetadata } from '../node/metadata';
import { displayPath, loadProject, type LoadOptions } from '../node/project';
import { writeFixes } from '../node/write';
import { metadataCommand } from './metadata';
import { CHECK_INDEX_WAIT, CliMetadata, indexedFiles, offlineByEnvironment, RESOLVE_INDEX_WAIT } from './live';
import { resolutionText, resolveEnvironments } from './resolve';
import { summarize, toGithub, toJson, toSarif, toText } from './format';

declare const ML_PINS_VERSION: string | undefined;
const VERSION = typeof ML_PINS_VERSION === 'string' ? ML_PINS_VERSION : '0.0.0-dev';

/** Wraps help text at `width` columns, continuing at `indent`. */
function wrap(line: string, width: number, indent: number): string {
  const lead = /^ */.exec(line)![0];
  const out: string[] = [];
  let current = lead;
  for (const word of line.slice(lead.length).split(' ')) {
    if (current.trim() && current.length + 1 + word.length > width) {
      out.push(current);
      current = ' '.repeat(indent) + word;
    } else current = current.trim() ? `${current} ${word}` : current + word;
  }
  out.push(current);
  return out.join('\n');
}

// The setting flags' lines come from the settings schema, and the kinds of files searched for from the formats.
const usage = () => `Usage:
  ml-pins check [paths...] [--format text|json|sarif|github] [--fail-on error|warning|never] [--no-resolve]
                [--offline] [--verify-hashes]
  ml-pins fix [paths...] [--dry-run] [--unsafe-fixes] [--offline]
  ml-pins rules [--format text|json]
  ml-pins metadata [name] [--format text|json]
  ml-pins resolve [paths...] [--target-python X.Y] [--platform ${PLATFORMS.join('|')}] [--offline] [--format text|json]
  ml-pins server [--stdio]        the language server (LSP over stdio), for editors: docs/editors.md

${wrap(`A path is a manifest or a folder (searched for ${searchedFor(FORMATS)}). Default: the current folder. \`metadata\` prints what the bundled metadata snapshot knows of a package (releases, Requires-Python, Requires-Dist, provenance), or lists the packages.`, 118, 0)}

Options:
  --format <f>          text (default), json, sarif, or github (GitHub Actions annotations)
  --fail-on <level>     exit 1 when a finding reaches it: error (default), warning or never
${settingFlagsHelp(22).map((l) => wrap(l, 118, 24)).join('\n')}
  --environment <path>  an installed environment to check too (a venv, its interpreter, or site-packages):
                        its packages are read from their metadata, nothing is run; its Python and platform
                        become the target ones unless given
  --no-resolve          check, fix: do not resolve each environment as pip would, and read no index (by default,
                        environments where nothing installs together are errors; --resolve is accepted)
  --verify-hashes       check: ask the indexes a hash-locked requirement file names (or PyPI) which files each
                        pinned version has, and report --hash values that match none (without it, only the
                        index cache that resolve keeps is read)
  --dry-run             fix: print the changes as a unified diff instead of writing them
  --unsafe-fixes        fix: also apply fixes that need review (another build, another pin's version) where a
                        finding has no safe fix; fixes that choose between contradicting pins stay manual
  --untrusted           the files come from someone you do not trust (a pull request in CI): the project's own
                        allow-includes-outside setting is ignored, so nothing outside the paths checked is read
  --max-file-size <MB>  files larger than this are not read (default 20)
  --no-color            plain text output
  -h, --help            this help
  -v, --version         the version

Environment:
  ML_PINS_METADATA_DIR  a metadata snapshot folder to read instead of the bundled one (docs/metadata.md)
  ML_PINS_OFFLINE=1     as --offline
  ML_PINS_CACHE_DIR     the index cache (default ~/.cache/ml-pins/index)`;

class UsageError extends Error {}


async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'server') {
    // The language server takes its transport flags (--stdio, --node-ipc, --socket=, --clientProcessId=) as they come.
    const { startNodeServer } = await import('../server/node');
    startNodeServer(argv);
    return new Promise<number>(() => {}); // runs until the client sends exit
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      // The setting flags (--target-python, --platform, --disable, ...) come from the settings schema.
      options: {
        ...(settingFlags() as Record<string, never>),
        format: { type: 'string' },
        'fail-on': { type: 'string' },
        environment: { type: 'string' },
        'dry-run': { type: 'boolean' },
        'unsafe-fixes': { type: 'boolean' },
        resolve: { type: 'boolean' },
        'no-resolve': { type: 'boolean' },
        'verify-hashes': { type: 'boolean' },
        untrusted: { type: 'boolean' },
        'max-file-size': { type: 'string' },
        'no-color': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  const flags = values as Record<string, unknown>;
  if (values.help) { process.stdout.write(`${usage()}\n`); return 0; }
  if (values.version) { process.stdout.write(`${VERSION}\n`); return 0; }
  const [command, ...paths] = positionals;
  if (!command) { process.stdout.write(`${usage()}\n`); return 2; }
  const format = values.format ?? 'text';
  const failOn = values['fail-on'] ?? 'error';
  if (!['error', 'warning', 'never'].includes(failOn)) throw new UsageError(`--fail-on must be error, warning or never, not "${failOn}"`);
  const fromFlags = settingsFromFlags(flags, (message) => new UsageError(message));
  const cwd = process.cwd();
  const maxMb = values['max-file-size'] === undefined ? 20 : Number(values['max-file-size']);
  if (!Number.isFinite(maxMb) || maxMb <= 0) throw new UsageError('--max-file-size must be a positive number of megabytes');
  if (values.untrusted && flags['allow-outside']) throw new UsageError('--untrusted and --allow-outside cannot be used together');
  const load = { allowOutside: flags['allow-outside'] === true, untrusted: values.untrusted === true, maxFileBytes: Math.floor(maxMb * 1024 * 1024) };
  const settings: CheckSettings = {
    ...(values.environment !== undefined ? { environment: await readInstalledEnvironment(values.environment, cwd) } : {}),
    platform: fromFlags.platform,
    targetPython: fromFlags.targetPython,
    accelerator: fromFlags.accelerator,
    disabledRules: fromFlags.disabledRules ?? [],
    admitted: fromFlags.admitted,
  };
  const knowledge = knowledgeFrom(bundledFamilies, bundledMetadata());
  // The metadata of this run (./live.ts): the project's indexes over the snapshot, unless offline.
  const offline = flags.offline === true || offlineByEnvironment(process.env);
  const metadata = (wait: typeof CHECK_INDEX_WAIT, roots: string[] | undefined) => new CliMetadata({ offline,
    vars: process.env, roots, allowOutside: load.allowOutside, untrusted: load.untrusted, ...wait });
  const display = (p: string) => displayPath(p, cwd);
  const color = !values['no-color'] && process.stdout.isTTY === true && !process.env.NO_COLOR;
  const failing = (sev: Severity) => failOn !== 'never' && SEVERITY_RANK[sev] <= SEVERITY_RANK[failOn as Severity];

  switch (command) {
    case 'check': {
      if (!['text', 'json', 'sarif', 'github'].includes(format)) throw new UsageError(`--format must be text, json, sarif or github, not "${format}"`);
      const input = await loadProject(paths, cwd, knowledge, settings, load);
      // Resolving costs milliseconds per environment (bench: resolve rows): on unless --no-resolve.
      const live = values['no-resolve'] ? undefined : metadata(CHECK_INDEX_WAIT, input.roots);
      if (live) await withLiveMetadata(input, live, settings);
      input.indexedFiles = indexedFiles({ online: values['verify-hashes'] === true && !offline });
      const result = await checkProject(input);
      const unreachable = live ? [...live.unreachable].map(([url, reason]) => ({ url, reason })) : [];
      for (const line of live?.report() ?? []) process.stderr.write(`${line}\n`);
      const out = format === 'json' ? toJson(result.files, display, unreachable)
        : format === 'sarif' ? toSarif(result.files, display, knowledge, VERSION)
        : format === 'github' ? toGithub(result.files, display)
        : toText(result.files, display, color);
      process.stdout.write(`${out}\n`);
      return result.files.some((f) => f.findings.some((x) => failing(x.severity))) ? 1 : 0;
    }
    case 'fix':
      return fix(paths, { cwd, settings, knowledge, dryRun: values['dry-run'] === true, unsafeFixes: values['unsafe-fixes'] === true, display, failing, load,
        live: values['no-resolve'] ? undefined : (roots) => metadata(CHECK_INDEX_WAIT, roots) });
    case 'rules': {
      const rules = [...bundledFamilies, { family: 'declared', rules: genericRules() }].flatMap((f) => f.rules.map((r) => ({ family: f.family, code: r.code, kind: r.kind, failure: r.failure, title: r.title, sources: r.sources })));
      process.stdout.write(format === 'json' ? `${JSON.stringify(rules, null, 2)}\n` : `${rules.map((r) => `${r.code.padEnd(46)} ${r.family.padEnd(18)} ${r.title}`).join('\n')}\n`);
      return 0;
    }
    case 'metadata': {
      if (!['text', 'json'].includes(format)) throw new UsageError(`--format must be text or json, not "${format}"`);
      if (paths.length > 1) throw new UsageError('metadata takes one package name');
      return metadataCommand(bundledMetadata(), paths[0], format, (s) => process.stdout.write(s));
    }
    case 'resolve': {
      if (!['text', 'json'].includes(format)) throw new UsageError(`--format must be text or json, not "${format}"`);
      const project = await loadProject(paths, cwd, knowledge, settings, load);
      const result = await checkProject(project);
      const live = metadata(RESOLVE_INDEX_WAIT, project.roots);
      const entries = await resolveEnvironments(result.environments, {
        targetPython: fromFlags.targetPython, platform: fromFlags.platform, offline, format: format as 'text' | 'json', display,
        metadata: live,
      });
      live.close();
      for (const line of live.report()) process.stderr.write(`${line}\n`);
      const json = entries.map(({ notes: _notes, ...e }) => e);
      process.stdout.write(format === 'json' ? `${JSON.stringify({ version: 1, environments: json }, null, 2)}\n` : `${resolutionText(entries)}\n`);
      return entries.some((e) => e.conflict) ? 1 : 0;
    }
    default:
      throw new UsageError(`unknown command "${command}" (expected check, fix, rules, metadata, resolve or server)`);
  }
}

async function fix(paths: string[], o: { cwd: string; settings: CheckSettings; knowledge: Knowledge; dryRun: boolean; unsafeFixes: boolean;
  display: (p: string) => string; failing: (s: Severity) => boolean; load: LoadOptions; live?: (roots: string[] | undefined) => CliMetadata }): Promise<number> {
  const input = await loadProject(paths, o.cwd, o.knowledge, o.settings, o.load);
  const live = o.live?.(input.roots);
  if (live) await withLiveMetadata(input, live, o.settings);
  for (const line of live?.report() ?? []) process.stderr.write(`${line}\n`);
  const { changed, originals, result } = await fixProject(input, { level: o.unsafeFixes ? 'needs-review' : 'safe' });
  let count = changed.size;
  let status = 0;
  if (o.dryRun) {
    for (const [path, text] of changed) {
      const name = o.display(path);
      // Credentials in index URLs are hidden in the diff too (CI logs are read by many).
      process.stdout.write(redactCredentials(createTwoFilesPatch(`a/${name}`, `b/${name}`, originals.get(path)!, text, undefined, undefined, { context: 3 }).replace(/^=+\n/, '')));
    }
  } else {
    const bytes = new Map(input.files.map((f) => [f.path, f.bytes]));
    const report = await writeFixes([...changed].map(([path, after]) => ({ path, before: originals.get(path)!, after, bytes: bytes.get(path) })),
      { roots: input.roots, allowOutside: o.load.allowOutside, maxFileBytes: o.load.maxFileBytes, display: o.display });
    if (report.aborted) {
      process.stderr.write(`ml-pins: ${report.aborted}\n`);
      return 2;
    }
    for (const s of report.skipped) process.stderr.write(`${o.display(s.path)}: ${s.reason}\n`);
    count = report.written.length;
    if (report.skipped.length) status = 2;
  }
  const s = summarize(result.files);
  process.stderr.write(`${o.dryRun ? 'Would change' : 'Changed'} ${count} file${count === 1 ? '' : 's'}; ` +
    `${s.errors} error${s.errors === 1 ? '' : 's'} and ${s.warnings} warning${s.warnings === 1 ? '' : 's'} remain.\n`);
  return status || (result.files.some((f) => f.findings.some((x) => o.failing(x.severity))) ? 1 : 0);
}

/**
 * Resolution hooks for a check (or fix) from the run's metadata. Unless offline, a first pass over the snapshot finds
 * the environments, their indexes are asked for what the check will read (bounded in time), and the knowledge is
 * rebuilt over the answers; offline, the snapshot alone, with no extra pass.
 */
async function withLiveMetadata(input: CheckInput, live: CliMetadata, settings: CheckSettings): Promise<void> {
  try {
    const { environments } = live.offline ? { environments: [] } : await checkProject(input);
    if (environments.some((env) => live.sourcesOf(env).indexes.length || live.sourcesOf(env).findLinks.length)) {
      await live.prefetch(environments, settings);
      if (live.answered) input.knowledge = knowledgeFrom(bundledFamilies, live.provider());
    }
  } finally {
    live.close();
  }
  Object.assign(input, live.hooks());
}

// A reader that stops early (`ml-pins metadata numpy | head`) closes the pipe: that ends the output, as in other
// command-line tools, instead of an unhandled EPIPE with a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`ml-pins: ${message.split('\n')[0]}\n`);
    process.exitCode = 2;
  },
);
