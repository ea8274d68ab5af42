// The written protocol between the extension and python/ml_pins_runner: each command's argument list, the summary
// file's type and schema (python/ml_pins_runner/summary.schema.json, which the runner checks before writing and this
// module checks after reading), and how the runner's codes lead back to the checker's rules. No `vscode` here: the
// runner tests (test/python/runner.test.ts) use this module directly.
import schema from '../../../python/ml_pins_runner/summary.schema.json';

export const RUNNER_COMMANDS = ['all', 'doctor', 'install', 'download', 'generate'] as const;
export type RunnerCommand = (typeof RUNNER_COMMANDS)[number];
/** The steps `all` may run, in order; `failed_step` names one of them (or `summary`, the summary itself). */
export const RUNNER_STEPS = ['doctor', 'install', 'download', 'generate'] as const;
export type RunnerStep = (typeof RUNNER_STEPS)[number];

export interface RunnerProblem {
  code: string;
  message: string;
  severity?: 'error' | 'warning';
  /** A single package (pip's "no matching distribution"). */
  package?: string;
  /** Every package the problem names (normalized names), e.g. both sides of a pip conflict. */
  packages?: string[];
  versions?: Record<string, string | null>;
  detail?: string;
}

export interface RunnerSummary {
  protocol: 1;
  runner: string;
  ok: boolean;
  failed_step?: RunnerStep | 'summary';
  error?: RunnerProblem;
  output?: string;
  model?: string;
  seconds?: number;
  kind?: 'image' | 'text';
  device?: string;
  accelerator?: string;
  steps: Partial<Record<RunnerStep, Record<string, unknown>>>;
}

export const SUMMARY_SCHEMA: JsonSchema = schema as JsonSchema;

export interface RunnerArgs {
  /** Absolute path of python/ml_pins_runner.py. */
  runner: string;
  command: RunnerCommand;
  model?: string;
  prompt: string;
  outputDir: string;
  summaryFile: string;
  /** Extra runner arguments from the task definition (e.g. ["--steps", "8"]). */
  extra?: string[];
  /** Install arguments: ["--install-command", ...argv] | ["--project", dir] | ["--requirements", file] | custom. */
  install?: string[];
}

/** Which options each command takes; install arguments last, since --install-command takes the rest of the line. */
export function runnerArgv(a: RunnerArgs): string[] {
  const takesModel = a.command === 'all' || a.command === 'download' || a.command === 'generate';
  const generates = a.command === 'all' || a.command === 'generate';
  const args = [a.runner, a.command];
  if (takesModel && a.model) args.push('--model', a.model);
  if (generates) args.push('--prompt', a.prompt, '--output-dir', a.outputDir);
  if (a.command === 'all') args.push('--summary-file', a.summaryFile);
  args.push(...(a.extra ?? []));
  if (a.command === 'all' || a.command === 'install') args.push(...(a.install ?? []));
  return args;
}

/** The steps that receive the Hub token (HF_TOKEN): the runner strips it from pip, sdist builds and installers. */
export function commandNeedsToken(command: RunnerCommand): boolean {
  return command === 'all' || command === 'download' || command === 'generate';
}

/**
 * The runner reports runtime failures with the checker's rule codes (python/ml_pins_runner/codes.py RULE_CODES), so
 * a failure leads back to the pin that caused it. A generic code (`numpy2-abi`) covers its per-package rules, and the
 * accelerator rule's three checks share its code.
 */
export function findingMatchesRuntimeCode(findingCode: string, runtimeCode: string): boolean {
  if (findingCode === runtimeCode || findingCode.startsWith(`${runtimeCode}-`)) return true;
  return runtimeCode === 'torch-accelerator-variant' && findingCode.startsWith('torch-variant-');
}

/** PEP 503-normalized names of the packages a problem names. */
export function problemPackages(problem: RunnerProblem | undefined): string[] {
  if (!problem) return [];
  const names = [...(problem.packages ?? []), ...(problem.package ? [problem.package] : []), ...Object.keys(problem.versions ?? {})];
  return [...new Set(names.map((n) => n.toLowerCase().replace(/[-_.]+/g, '-')))];
}

/** The summary file's text -> the summary, or why it cannot be used (never throws). */
export function parseSummary(text: string): { summary: RunnerSummary } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { error: `the runner's summary is not JSON (${(e as Error).message})` };
  }
  const errors = validateSchema(value, SUMMARY_SCHEMA);
  if (errors.length) return { error: `the runner's summary does not match its schema: ${errors.slice(0, 3).join('; ')}` };
  return { summary: value as RunnerSummary };
}

// JSON Schema, the subset summary.schema.json uses (python/ml_pins_runner/schema.py implements the same).
export interface JsonSchema {
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  [other: string]: unknown;
}

const TYPES: Record<string, (v: unknown) => boolean> = {
  object: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  array: Array.isArray,
  string: (v) => typeof v === 'string',
  boolean: (v) => typeof v === 'boolean',
  null: (v) => v === null,
  integer: (v) => Number.isInteger(v),
  number: (v) => typeof v === 'number' && Number.isFinite(v),
};

/** The list of violations, as "$.path: what" (empty when the value matches). */
export function validateSchema(value: unknown, s: JsonSchema, root: JsonSchema = s, path = '$'): string[] {
  if (s.$ref !== undefined) {
    const name = s.$ref.startsWith('#/$defs/') ? s.$ref.slice('#/$defs/'.length) : undefined;
    const target = name !== undefined ? root.$defs?.[name] : undefined;
    return target ? validateSchema(value, target, root, path) : [`${path}: unsupported $ref ${s.$ref}`];
  }
  if (s.type !== undefined) {
    const names = typeof s.type === 'string' ? [s.type] : s.type;
    if (!names.some((t) => TYPES[t]?.(value))) return [`${path}: expected ${names.join(' or ')}`];
  }
  const errors: string[] = [];
  if (s.enum && !s.enum.some((e) => e === value)) errors.push(`${path}: not one of ${JSON.stringify(s.enum)}`);
  if ('const' in s && s.const !== value) errors.push(`${path}: must be ${JSON.stringify(s.const)}`);
  if (TYPES.object(value)) {
    const obj = value as Record<string, unknown>;
    const props = s.properties ?? {};
    for (const name of s.required ?? []) if (!(name in obj)) errors.push(`${path}: missing ${name}`);
    const extra = s.additionalProperties ?? true;
    for (const [name, item] of Object.entries(obj)) {
      if (Object.prototype.hasOwnProperty.call(props, name)) errors.push(...validateSchema(item, props[name], root, `${path}.${name}`));
      else if (extra === false) errors.push(`${path}: unexpected property ${name}`);
      else if (typeof extra === 'object') errors.push(...validateSchema(item, extra, root, `${path}.${name}`));
    }
  }
  if (Array.isArray(value) && s.items) value.forEach((item, i) => errors.push(...validateSchema(item, s.items!, root, `${path}[${i}]`)));
  return errors;
}
