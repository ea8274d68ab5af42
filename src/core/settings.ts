// The settings schema: every setting once, with its allowed values, default, `[tool.ml-pins]` key, CLI flag and
// descriptions. It drives the VS Code settings reader and the language server (settingsFrom), `[tool.ml-pins]`
// (readToolConfig), the CLI's setting flags (settingFlags, settingsFromFlags), package.json's
// `contributes.configuration` and docs/settings.md's table (both written by `npm run build`). Allowed values are
// checked here only: whatever a client, a project or a command line gives is validated against the schema, and a
// malformed editor value falls back to the default without throwing.
import type { CheckSettings } from './engine/config';
import type { Severity } from './types';

export const ACCELERATORS = ['auto', 'cpu', 'cuda', 'rocm', 'mps'] as const;
export type Accelerator = (typeof ACCELERATORS)[number];
/** How loudly a combination speaks that the pins allow but a new install today would not pick. */
export const ADMITTED_LEVELS = ['warning', 'information', 'off'] as const;
export type AdmittedLevel = (typeof ADMITTED_LEVELS)[number];
export const SEVERITY_OVERRIDES = ['error', 'warning', 'information', 'hint', 'off'] as const;
export type SeverityOverride = Severity | 'off';
/** The operating system the project installs on (platform-specific facts apply only there, or when unknown). */
export type Platform = 'linux' | 'windows' | 'macos';
export const PLATFORMS: readonly Platform[] = ['linux', 'windows', 'macos'];
/** The platform marker variables of each platform (PEP 508): what `sys_platform == "win32"` and its kin test. */
export const PLATFORM_MARKERS: Record<Platform, { sys_platform: string; platform_system: string; os_name: string }> = {
  linux: { sys_platform: 'linux', platform_system: 'Linux', os_name: 'posix' },
  windows: { sys_platform: 'win32', platform_system: 'Windows', os_name: 'nt' },
  macos: { sys_platform: 'darwin', platform_system: 'Darwin', os_name: 'posix' },
};

/** `value` is one of `allowed` (a type guard over a list of literals). */
export function isOneOf<T extends string>(allowed: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

export const SETTINGS_SECTION = 'mlPins';

/** Every setting under `mlPins.`, with its default. */
export const SETTINGS_DEFAULTS = {
  enable: true,
  disabledRules: [] as string[],
  severityOverrides: {} as Record<string, SeverityOverride>,
  admittedCombinations: 'warning' as AdmittedLevel,
  targetPython: '',
  accelerator: 'auto' as Accelerator,
  ruleFiles: [] as string[],
  models: [] as string[],
  installCommand: [] as string[],
  testPrompt: 'A beautiful sunset',
  hubUrl: '',
  allowIncludesOutsideWorkspace: false,
  offline: false,
  indexesInUntrustedWorkspaces: false,
};

export type SettingName = keyof typeof SETTINGS_DEFAULTS;
/** What a client sends: the settings as the user wrote them (any of them may be missing or malformed). */
export type RawSettings = { [K in SettingName]?: unknown };

/** The kind of value a setting takes, and so what is allowed. */
export type SettingValue =
  | { type: 'boolean' }
  /** `pattern`: the whole string must match; `like` is an example for messages; `trim`: the editor's value is trimmed. */
  | { type: 'string'; pattern?: string; like?: string; trim?: boolean }
  | { type: 'choice'; values: readonly string[] }
  /** `words`: in `[tool.ml-pins]`, one string is also taken, split on blanks. */
  | { type: 'strings'; words?: boolean }
  /** Rule code -> severity or `off`. */
  | { type: 'severities' };

/** Each setting's kind of value, and so what is allowed: the one place it is checked. (Apart from SETTINGS so that
 * the editor's bundle, which reads settings only, does not carry the descriptions.) */
export const SETTING_VALUES: Record<SettingName, SettingValue> = {
  enable: { type: 'boolean' },
  disabledRules: { type: 'strings' },
  severityOverrides: { type: 'severities' },
  admittedCombinations: { type: 'choice', values: ADMITTED_LEVELS },
  targetPython: { type: 'string', pattern: '3\\.\\d+', like: '3.11', trim: true },
  accelerator: { type: 'choice', values: ACCELERATORS },
  ruleFiles: { type: 'strings' },
  models: { type: 'strings' },
  installCommand: { type: 'strings', words: true },
  testPrompt: { type: 'string' },
  allowIncludesOutsideWorkspace: { type: 'boolean' },
  offline: { type: 'boolean' },
  indexesInUntrustedWorkspaces: { type: 'boolean' },
  hubUrl: { type: 'string', trim: true },
};

/** One setting (or one row of docs/settings.md that is not a setting). */
export interface SettingSpec {
  /** The setting under `mlPins.`; none for a `[tool.ml-pins]`-only key or an input that is not a setting. */
  setting?: SettingName;
  /** The first column of the docs table when there is no setting. */
  label?: string;
  /** The kind of value of a setting that is not an editor setting (an editor setting's is in SETTING_VALUES). */
  value?: SettingValue;
  /** The `[tool.ml-pins]` key, and the CheckSettings field it (and the CLI flag) sets. */
  toml?: string;
  field?: keyof CheckSettings;
  /** How docs/settings.md shows the `[tool.ml-pins]` form (Markdown). */
  tomlDoc?: string;
  /** The CLI flag (without `--`), and its help line (the allowed values are appended when there is a choice). */
  cli?: { flag: string; arg?: string; help: string };
  /** The default when there is no setting (a setting's default is its SETTINGS_DEFAULTS value). */
  default?: string;
  /** What it does, in docs/settings.md (Markdown). */
  doc: string;
  /** What it does, in VS Code's Settings editor (package.json; Markdown when it has code spans, links or bold). */
  description?: string;
}

/** Every setting, in the order docs/settings.md lists them. */
export const SETTINGS: readonly SettingSpec[] = [
  { setting: 'enable', 
    doc: 'Check manifests at all.',
    description: 'Check Python ML pins in pyproject.toml, requirement files, setup scripts, shell scripts, Dockerfiles and conda environments.' },
  { setting: 'disabledRules', toml: 'disable', field: 'disabledRules', tomlDoc: '`disable = ["code", …]`',
    cli: { flag: 'disable', arg: '<code>', help: 'turn a rule off (repeatable)' },
    doc: 'Rule codes to turn off (`ml-pins rules` lists them; VS Code completes and validates the bundled codes).',
    description: 'Rule codes to turn off, e.g. `torch-python-unsupported` (completed from the bundled rules). `[tool.ml-pins] disable` in pyproject.toml adds to this list; codes of your own rule files go there.' },
  { setting: 'severityOverrides', tomlDoc: '`[tool.ml-pins.rules]` `code = "error"` or `code = { severity = "…" }`',
    doc: 'Severity per rule code: `error`, `warning`, `information`, `hint` or `off` (codes completed and validated as above).',
    description: 'Severity per rule code, e.g. `{"hf-hub-cached-download": "error"}`; `off` turns a rule off. Codes are completed from the bundled rules. `[tool.ml-pins.rules]` in pyproject.toml overrides this (and takes codes of your own rule files).' },
  { setting: 'admittedCombinations', toml: 'admitted', field: 'admitted',
    tomlDoc: '`admitted = "information"` (per rule: `code = { admitted = "off" }`)',
    cli: { flag: 'admitted', arg: '<level>', help: 'how loudly a break speaks that the pins allow but a new install today would not pick:' },
    doc: 'How loudly a breaking combination speaks when the pins allow it but a new install today would not pick it.',
    description: 'How loudly a breaking combination speaks when the pins allow it but a new install today would not pick it (e.g. `diffusers>=0.21.0` with an open `huggingface_hub`). Library authors with deliberately wide ranges may prefer `information`.' },
  { setting: 'targetPython', toml: 'target-python', field: 'targetPython', tomlDoc: '`target-python = "3.11"`',
    cli: { flag: 'target-python', arg: '<v>', help: 'the CPython the project runs on, e.g. 3.11' },
    doc: 'The CPython the project runs on. Evaluates `python_version` markers and makes the Python-wheel check strict.',
    description: 'The CPython version the project runs on, e.g. `3.11`. Used for environment markers and the Python-wheel checks. Empty: use `requires-python`.' },
  { label: '–', default: 'unknown', value: { type: 'choice', values: PLATFORMS }, toml: 'platform', field: 'platform', tomlDoc: '`platform = "linux"`',
    cli: { flag: 'platform', arg: '<p>', help: 'the operating system installed on (resolve: linux by default):' },
    doc: '`linux`, `windows` or `macos`: the operating system the project installs on. Decides `sys_platform` / `platform_system` / `os_name` markers; unknown, both branches count. CLI: `--platform`.' },
  { label: 'the selected interpreter', default: '–',
    doc: 'The environment the project runs in (VS Code: the Python extension\'s interpreter; CLI: `--environment .venv`, a venv, its interpreter or a site-packages folder). Its packages are read from their metadata without running anything; its Python and platform become the target ones unless set. See [severity](severity.md#the-installed-environment).' },
  { setting: 'accelerator', toml: 'accelerator', field: 'accelerator', tomlDoc: '`accelerator = "rocm"`',
    cli: { flag: 'accelerator', arg: '<a>', help: 'the machine\'s accelerator (cpu, cuda and rocm flag builds for another one):' },
    doc: '`auto`, `cpu`, `cuda`, `rocm` or `mps`: the machine the project installs on. With `cpu`, `cuda` or `rocm`, a `+cu…`/`+rocm…`/`+cpu` build for another accelerator is reported (`torch-variant-accelerator`); the test generation detects the hardware itself.',
    description: 'The accelerator of the machine the project installs on. `auto` detects it when running the test generation.' },
  { setting: 'ruleFiles', toml: 'rule-files', field: 'ruleFiles', tomlDoc: '`rule-files = ["ml-pins-rules.json"]`',
    doc: 'Extra rule families (JSON, the schema of `rules/*.json`, validated on load). Ignored in untrusted workspaces.',
    description: 'Extra rule files (JSON, same schema as the bundled rules), relative to the workspace folder. Ignored until the workspace is trusted.' },
  { setting: 'models', toml: 'models', field: 'models', tomlDoc: '`models = ["sdxl-1.0"]`',
    doc: 'Models for **Install Models and Run Test Generation** (Hub repo ids or aliases).',
    description: 'Models for **Install Models and Run Test Generation**: Hub repo ids or aliases such as `sdxl-1.0`. `[tool.ml-pins] models` overrides this.' },
  { setting: 'installCommand', toml: 'install-command', field: 'installCommand',
    tomlDoc: '`install-command = ["python", "setup_ai_models.py", "--models", "sdxl-1.0"]`',
    doc: 'The project\'s own installer, run with the same interpreter before the test generation. Ignored in untrusted workspaces.',
    description: 'The project\'s own installer as an argument list, e.g. `["python", "setup_ai_models.py", "--models", "sdxl-1.0"]`. Runs with the same interpreter before the test generation. Ignored until the workspace is trusted.' },
  { setting: 'testPrompt', 
    doc: 'The prompt of the test generation.',
    description: 'The prompt of the test generation.' },
  { setting: 'allowIncludesOutsideWorkspace', toml: 'allow-includes-outside', field: 'allowIncludesOutside', tomlDoc: '`allow-includes-outside = true`',
    cli: { flag: 'allow-outside', help: 'read files that includes name outside the paths checked, and let fix write there' },
    doc: 'Read files that `-r`/`-c`, `pip install -r` and rule files name outside the workspace folder (CLI: outside the paths checked; the flag is `--allow-outside`). Off: such an include gets a finding saying it was not read. Ignored in untrusted workspaces. See [security.md](security.md).',
    description: 'Read files that `-r`/`-c` includes and rule files name outside the workspace folder. Off: such an include gets a finding saying it was not read. Ignored until the workspace is trusted.' },
  { setting: 'offline', 
    cli: { flag: 'offline', help: 'use the bundled metadata snapshot only, never a package index (by default check, fix and resolve read the indexes the manifests name, else PIP_INDEX_URL or pip.conf, else PyPI, cached for 10 minutes; an index that cannot be reached is named, the snapshot stands in, and check waits 15 s at most)' },
    doc: 'Use the bundled metadata snapshot only. Off: the language server also reads what the project\'s own package indexes declare (`--index-url`, `--extra-index-url` and `--find-links` of requirement files, `[[tool.uv.index]]`, Poetry sources, else PyPI) in the background, cached on disk (`~/.cache/ml-pins/index`); diagnostics appear from the snapshot first and are refined when the metadata arrives. CLI: `--offline` (check, fix, resolve) or `ML_PINS_OFFLINE=1`.',
    description: 'Use the bundled metadata snapshot only. Off: ML Pins also reads what the project\'s own package indexes declare (the `--index-url`, `--extra-index-url` and `--find-links` of requirement files, `[[tool.uv.index]]` and Poetry sources, else PyPI), in the background, with an on-disk cache; diagnostics appear from the snapshot first and are refined when the metadata arrives.' },
  { setting: 'indexesInUntrustedWorkspaces', 
    doc: 'Read the package indexes an untrusted workspace\'s manifests name (its files choose the hosts contacted). Off: untrusted workspaces, and VS Code for the Web, use the snapshot only. Only user settings count.',
    description: 'Read the package indexes that an untrusted workspace\'s manifests name (its files choose which hosts are contacted). Off: untrusted workspaces use the bundled snapshot only. Only user settings count.' },
  { setting: 'hubUrl', 
    doc: 'A Hugging Face Hub mirror or endpoint for model search and downloads (the runner gets it as `HF_ENDPOINT`). A workspace\'s value is ignored until the workspace is trusted.',
    description: 'A Hugging Face Hub mirror or endpoint for model search and downloads (passed to the runner as `HF_ENDPOINT`). Empty: huggingface.co. Your token is never sent over plain `http://` (except to a loopback address), and ML Pins asks once per host before sending it anywhere but huggingface.co. A workspace\'s value is ignored until the workspace is trusted.' },
];

/** A setting's kind of value (none for a docs row that is not a setting). */
export function valueOf(spec: SettingSpec): SettingValue | undefined {
  return spec.setting ? SETTING_VALUES[spec.setting] : spec.value;
}

/** `a, b or c`. */
export function oneOfWords(values: readonly string[]): string {
  return values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

/** What a value must be, for messages: `must be warning, information or off`, `must look like 3.11`. */
export function mustPhrase(value: SettingValue): string {
  switch (value.type) {
    case 'boolean': return 'must be true or false';
    case 'string': return value.pattern ? `must look like ${value.like}` : 'must be a string';
    case 'choice': return `must be ${oneOfWords(value.values)}`;
    case 'strings': return 'must be a list of strings';
    case 'severities': return `must map rule codes to ${oneOfWords(SEVERITY_OVERRIDES)}`;
  }
}

/** Whether `v` is an allowed value, as a project or a command line gives it (nothing is trimmed or filtered). */
function accepts(value: SettingValue, v: unknown): boolean {
  switch (value.type) {
    case 'boolean': return typeof v === 'boolean';
    case 'string': return typeof v === 'string' && (!value.pattern || new RegExp(`^(?:${value.pattern})$`).test(v));
    case 'choice': return isOneOf(value.values, v);
    case 'strings': return Array.isArray(v) && v.every((x) => typeof x === 'string');
    case 'severities': return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((s) => isOneOf(SEVERITY_OVERRIDES, s));
  }
}

// ---- The editor's settings (VS Code, the language server's client) ---------------------------------------------------

export interface EditorSettings extends CheckSettings {
  enable: boolean;
  testPrompt: string;
  /** A Hub mirror or endpoint (HF_ENDPOINT); '' for huggingface.co. */
  hubUrl: string;
  /** Read the project's package indexes (live metadata over the snapshot): not offline, and trusted or allowed. */
  liveIndexes: boolean;
}

const MAX_LIST = 1000;

/** An editor setting's value: what the client sent when it is allowed (strings trimmed, lists filtered), else its default. */
function editorValue<K extends SettingName>(name: K, v: unknown): (typeof SETTINGS_DEFAULTS)[K] {
  const value = SETTING_VALUES[name];
  const fallback = SETTINGS_DEFAULTS[name];
  const out = (x: unknown) => x as (typeof SETTINGS_DEFAULTS)[K];
  switch (value.type) {
    case 'strings':
      return out(Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, MAX_LIST) : []);
    case 'severities': {
      const overrides: Record<string, SeverityOverride> = {};
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return out(overrides);
      for (const [code, sev] of Object.entries(v).slice(0, MAX_LIST)) if (isOneOf(SEVERITY_OVERRIDES, sev)) overrides[code] = sev;
      return out(overrides);
    }
    case 'string': {
      if (typeof v !== 'string') return fallback;
      const s = value.trim ? v.trim() : v;
      return accepts(value, s) ? out(s) : fallback;
    }
    default:
      return accepts(value, v) ? out(v) : fallback;
  }
}

/**
 * Raw settings -> engine settings. `trusted`: rule files and install commands from an untrusted workspace are
 * ignored (rule files run no code, but they change what is reported; install commands run).
 */
export function settingsFrom(raw: unknown, trusted: boolean): EditorSettings {
  const r = (typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : {}) as RawSettings;
  const get = <K extends SettingName>(name: K) => editorValue(name, r[name]);
  return {
    enable: get('enable'),
    disabledRules: get('disabledRules'),
    severityOverrides: get('severityOverrides'),
    admitted: get('admittedCombinations'),
    targetPython: get('targetPython') || undefined,
    accelerator: get('accelerator'),
    ruleFiles: trusted ? get('ruleFiles') : [],
    models: get('models'),
    installCommand: trusted ? get('installCommand') : [],
    testPrompt: get('testPrompt'),
    hubUrl: get('hubUrl'),
    // Read includes outside the workspace folder: only when trusted (security.md).
    allowIncludesOutside: trusted && get('allowIncludesOutsideWorkspace'),
    // An untrusted workspace's manifests name the hosts that would be contacted: only when the user allows it.
    liveIndexes: !get('offline') && (trusted || get('indexesInUntrustedWorkspaces')),
  };
}

// ---- [tool.ml-pins] --------------------------------------------------------------------------------------------------

export interface ConfigProblem {
  message: string;
}

/**
 * Reads `[tool.ml-pins]` (plain TOML value) into settings: the keys of SETTINGS (docs/settings.md), and the
 * `[tool.ml-pins.rules]` table of per-rule severities and admitted levels. Unknown keys and wrong types are
 * reported, not fatal.
 */
export function readToolConfig(value: unknown): { settings: CheckSettings; problems: ConfigProblem[] } {
  const settings: CheckSettings = {};
  const problems: ConfigProblem[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { settings, problems: [{ message: '[tool.ml-pins] must be a table' }] };
  }
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (key === 'rules') {
      readRuleOverrides(v, settings, problems);
      continue;
    }
    const spec = SETTINGS.find((s) => s.toml === key);
    const value = spec && valueOf(spec);
    if (!spec?.field || !value) {
      problems.push({ message: `[tool.ml-pins] unknown key "${key}"` });
      continue;
    }
    const given = value.type === 'strings' && value.words && typeof v === 'string' ? v.trim().split(/\s+/).filter(Boolean) : v;
    if (accepts(value, given)) (settings as Record<string, unknown>)[spec.field] = given;
    else problems.push({ message: `[tool.ml-pins] ${key} ${mustPhrase(value)}` });
  }
  return { settings, problems };
}

function readRuleOverrides(v: unknown, settings: CheckSettings, problems: ConfigProblem[]): void {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    problems.push({ message: '[tool.ml-pins.rules] must be a table of rule codes' });
    return;
  }
  for (const [code, o] of Object.entries(v as Record<string, unknown>)) {
    if (isOneOf(SEVERITY_OVERRIDES, o)) {
      (settings.severityOverrides ??= {})[code] = o;
    } else if (typeof o === 'object' && o !== null && !Array.isArray(o)) {
      const { severity, admitted } = o as Record<string, unknown>;
      if (severity !== undefined) {
        if (isOneOf(SEVERITY_OVERRIDES, severity)) (settings.severityOverrides ??= {})[code] = severity;
        else problems.push({ message: `[tool.ml-pins.rules] ${code}.severity must be ${oneOfWords(SEVERITY_OVERRIDES)}` });
      }
      if (admitted !== undefined) {
        if (isOneOf(ADMITTED_LEVELS, admitted)) (settings.admittedOverrides ??= {})[code] = admitted;
        else problems.push({ message: `[tool.ml-pins.rules] ${code}.admitted must be ${oneOfWords(ADMITTED_LEVELS)}` });
      }
    } else {
      problems.push({ message: `[tool.ml-pins.rules] ${code} must be a severity, "off", or a table` });
    }
  }
}

// ---- The CLI's setting flags -----------------------------------------------------------------------------------------

const withFlags = () => SETTINGS.flatMap((s) => {
  const value = valueOf(s);
  return s.cli && value ? [{ ...s, cli: s.cli, value }] : [];
});

/** The setting flags as node:util parseArgs options: booleans are switches, lists repeat, the rest take a value. */
export function settingFlags(): Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> {
  return Object.fromEntries(withFlags().map((s) => [s.cli.flag,
    s.value.type === 'boolean' ? { type: 'boolean' as const } : s.value.type === 'strings' ? { type: 'string' as const, multiple: true } : { type: 'string' as const }]));
}

/** The help lines of the setting flags, for the CLI's usage (`  --platform <p>   …`), padded to `width`. */
export function settingFlagsHelp(width: number): string[] {
  return withFlags().map((s) => {
    const fallback = s.setting ? SETTINGS_DEFAULTS[s.setting] : undefined;
    const values = s.value.type === 'choice' ? ` ${oneOfWords(s.value.values.map((v) => (v === fallback ? `${v} (default)` : v)))}` : '';
    return `  ${`--${s.cli.flag}${s.cli.arg ? ` ${s.cli.arg}` : ''}`.padEnd(width)}${s.cli.help}${values}`;
  });
}

/**
 * The settings the flags give (CheckSettings fields), after checking each given value against the schema; throws
 * `fail(message)` for the first one that is not allowed (`--platform must be linux, windows or macos`).
 */
export function settingsFromFlags(values: Record<string, unknown>, fail: (message: string) => Error): CheckSettings {
  const settings: Record<string, unknown> = {};
  for (const s of withFlags()) {
    const v = values[s.cli.flag];
    if (v === undefined) continue;
    if (!accepts(s.value, v)) throw fail(`--${s.cli.flag} ${mustPhrase(s.value)}`);
    if (s.field) settings[s.field] = v;
  }
  return settings as CheckSettings;
}

// ---- Generated: package.json contributes.configuration, docs/settings.md ---------------------------------------------

/** package.json's `contributes.configuration.properties`, from the schema; `ruleCodes` complete the rule-code lists. */
export function configurationProperties(ruleCodes: readonly string[]): Record<string, Record<string, unknown>> {
  const props: Record<string, Record<string, unknown>> = {};
  for (const s of SETTINGS) {
    if (!s.setting || s.description === undefined) continue;
    const p: Record<string, unknown> = s.setting === 'enable' ? { order: 0 } : {}; // the rest follow alphabetically
    const v = SETTING_VALUES[s.setting];
    if (v.type === 'boolean') p.type = 'boolean';
    else if (v.type === 'string') Object.assign(p, { type: 'string' });
    else if (v.type === 'choice') Object.assign(p, { type: 'string', enum: [...v.values] });
    else if (v.type === 'strings') {
      p.type = 'array';
      p.items = s.setting === 'disabledRules' ? { type: 'string', enum: [...ruleCodes] } : { type: 'string' };
      if (s.setting === 'disabledRules') p.uniqueItems = true;
    } else Object.assign(p, { type: 'object', propertyNames: { enum: [...ruleCodes] }, additionalProperties: { type: 'string', enum: [...SEVERITY_OVERRIDES] } });
    p.default = SETTINGS_DEFAULTS[s.setting];
    // An empty string means "not set" (the default), so the pattern allows it too.
    if (v.type === 'string' && v.pattern) p.pattern = `^(${v.pattern})?$`;
    p[/[`*]|\]\(/.test(s.description) ? 'markdownDescription' : 'description'] = s.description;
    props[`${SETTINGS_SECTION}.${s.setting}`] = p;
  }
  return props;
}

/** docs/settings.md's table of settings. */
export function settingsTable(): string {
  const rows = SETTINGS.map((d) => [
    d.setting ? `\`${SETTINGS_SECTION}.${d.setting}\`` : d.label ?? '–',
    d.tomlDoc ?? '–',
    d.setting ? `\`${JSON.stringify(SETTINGS_DEFAULTS[d.setting])}\`` : d.default ?? '–',
    d.doc,
  ]);
  return [['VS Code setting', '`[tool.ml-pins]` key', 'default', 'what it does'], ['---', '---', '---', '---'], ...rows]
    .map((cells) => (cells[0] === '---' ? `|${cells.join('|')}|` : `| ${cells.join(' | ')} |`)).join('\n');
}
