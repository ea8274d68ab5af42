// `ml-pins`: the engine on the command line, for CI. Exit 0: nothing at --fail-on; 1: findings at --fail-on;
// 2: usage or I/O errors, reported in one line without a stack trace.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createTwoFilesPatch } from 'diff';
import { fixProject } from '../core/engine/apply';
import { SEVERITY_RANK, type CheckSettings } from '../core/engine/config';
import { checkProject, knowledgeFrom } from '../core/engine/check';
import type { Knowledge } from '../core/engine/knowledge';
import { bundledFamilies } from '../core/rules/bundled';
import type { Severity } from '../core/types';
import { displayPath, loadProject } from '../node/project';
import { summarize, toJson, toSarif, toText } from './format';

declare const ML_PINS_VERSION: string | undefined;
const VERSION = typeof ML_PINS_VERSION === 'string' ? ML_PINS_VERSION : '0.0.0-dev';

const USAGE = `Usage:
  ml-pins check [paths...] [--format text|json|sarif] [--fail-on error|warning|never]
  ml-pins fix [paths...] [--dry-run]
  ml-pins rules [--format text|json]
  ml-pins server [--stdio]        the language server (LSP over stdio), for editors: docs/editors.md

A path is a manifest or a folder (searched for pyproject.toml, requirement files, Pipfile, setup.cfg, environment.yml,
shell scripts, Dockerfiles and setup scripts). Default: the current folder.

Options:
  --format <f>          text (default), json or sarif
  --fail-on <level>     exit 1 when a finding reaches it: error (default), warning or never
  --target-python <v>   the CPython the project runs on, e.g. 3.11
  --accelerator <a>     the machine's accelerator: cpu, cuda or rocm (flags builds for another one)
  --disable <code>      turn a rule off (repeatable)
  --admitted <level>    how admitted-but-not-fresh combinations speak: warning (default), information, off
  --dry-run             fix: print the changes as a unified diff instead of writing them
  --no-color            plain text output
  -h, --help            this help
  -v, --version         the version`;

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
      options: {
        format: { type: 'string' },
        'fail-on': { type: 'string' },
        'target-python': { type: 'string' },
        accelerator: { type: 'string' },
        disable: { type: 'string', multiple: true },
        admitted: { type: 'string' },
        'dry-run': { type: 'boolean' },
        'no-color': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) { process.stdout.write(`${USAGE}\n`); return 0; }
  if (values.version) { process.stdout.write(`${VERSION}\n`); return 0; }
  const [command, ...paths] = positionals;
  if (!command) { process.stdout.write(`${USAGE}\n`); return 2; }
  const format = values.format ?? 'text';
  const failOn = values['fail-on'] ?? 'error';
  if (!['error', 'warning', 'never'].includes(failOn)) throw new UsageError(`--fail-on must be error, warning or never, not "${failOn}"`);
  if (values['target-python'] !== undefined && !/^3\.\d+$/.test(values['target-python'])) throw new UsageError('--target-python must look like 3.11');
  if (values.accelerator !== undefined && !['cpu', 'cuda', 'rocm', 'mps', 'auto'].includes(values.accelerator)) throw new UsageError('--accelerator must be cpu, cuda, rocm, mps or auto');
  if (values.admitted !== undefined && !['warning', 'information', 'off'].includes(values.admitted)) throw new UsageError('--admitted must be warning, information or off');
  const settings: CheckSettings = {
    targetPython: values['target-python'],
    accelerator: values.accelerator as CheckSettings['accelerator'],
    disabledRules: values.disable ?? [],
    admitted: values.admitted as CheckSettings['admitted'],
  };
  const cwd = process.cwd();
  const knowledge = knowledgeFrom(bundledFamilies);
  const display = (p: string) => displayPath(p, cwd);
  const color = !values['no-color'] && process.stdout.isTTY === true && !process.env.NO_COLOR;
  const failing = (sev: Severity) => failOn !== 'never' && SEVERITY_RANK[sev] <= SEVERITY_RANK[failOn as Severity];

  switch (command) {
    case 'check': {
      if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format must be text, json or sarif, not "${format}"`);
      const result = await checkProject(await loadProject(paths, cwd, knowledge, settings));
      const out = format === 'json' ? toJson(result.files, display)
        : format === 'sarif' ? toSarif(result.files, display, knowledge, VERSION)
        : toText(result.files, display, color);
      process.stdout.write(`${out}\n`);
      return result.files.some((f) => f.findings.some((x) => failing(x.severity))) ? 1 : 0;
    }
    case 'fix':
      return fix(paths, { cwd, settings, knowledge, dryRun: values['dry-run'] === true, display, failing });
    case 'rules': {
      const rules = bundledFamilies.flatMap((f) => f.rules.map((r) => ({ family: f.family, code: r.code, kind: r.kind, failure: r.failure, title: r.title, sources: r.sources })));
      process.stdout.write(format === 'json' ? `${JSON.stringify(rules, null, 2)}\n` : `${rules.map((r) => `${r.code.padEnd(46)} ${r.family.padEnd(18)} ${r.title}`).join('\n')}\n`);
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}" (expected check, fix, rules or server)`);
  }
}

async function fix(paths: string[], o: { cwd: string; settings: CheckSettings; knowledge: Knowledge; dryRun: boolean;
  display: (p: string) => string; failing: (s: Severity) => boolean }): Promise<number> {
  const input = await loadProject(paths, o.cwd, o.knowledge, o.settings);
  const { changed, originals, result } = await fixProject(input);
  if (o.dryRun) {
    for (const [path, text] of changed) {
      const name = o.display(path);
      process.stdout.write(createTwoFilesPatch(`a/${name}`, `b/${name}`, originals.get(path)!, text, undefined, undefined, { context: 3 }).replace(/^=+\n/, ''));
    }
  } else {
    for (const [path, text] of changed) await writeFile(path, text);
  }
  const s = summarize(result.files);
  process.stderr.write(`${o.dryRun ? 'Would change' : 'Changed'} ${changed.size} file${changed.size === 1 ? '' : 's'}; ` +
    `${s.errors} error${s.errors === 1 ? '' : 's'} and ${s.warnings} warning${s.warnings === 1 ? '' : 's'} remain.\n`);
  return result.files.some((f) => f.findings.some((x) => o.failing(x.severity))) ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`ml-pins: ${message.split('\n')[0]}\n`);
    process.exitCode = 2;
  },
);
