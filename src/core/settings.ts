// The editor settings: one schema for the VS Code extension (package.json contributes.configuration, checked by a
// unit test against SETTINGS_DEFAULTS) and the language server (workspace/configuration, section `mlPins`).
// Whatever a client sends is validated here: a wrong type falls back to the default, it never throws.
import { ACCELERATORS, ADMITTED_LEVELS, isOneOf, SEVERITY_OVERRIDES, type Accelerator, type AdmittedLevel, type CheckSettings, type SeverityOverride } from './engine/config';

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

export interface EditorSettings extends CheckSettings {
  enable: boolean;
  testPrompt: string;
  /** A Hub mirror or endpoint (HF_ENDPOINT); '' for huggingface.co. */
  hubUrl: string;
  /** Read the project's package indexes (live metadata over the snapshot): not offline, and trusted or allowed. */
  liveIndexes: boolean;
}

const MAX_LIST = 1000;

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, MAX_LIST) : [];

function overrides(v: unknown): Record<string, SeverityOverride> {
  const out: Record<string, SeverityOverride> = {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return out;
  for (const [code, sev] of Object.entries(v).slice(0, MAX_LIST)) if (isOneOf(SEVERITY_OVERRIDES, sev)) out[code] = sev;
  return out;
}

/**
 * Raw settings -> engine settings. `trusted`: rule files and install commands from an untrusted workspace are
 * ignored (rule files run no code, but they change what is reported; install commands run).
 */
export function settingsFrom(raw: unknown, trusted: boolean): EditorSettings {
  const r = (typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : {}) as RawSettings;
  const str = (v: unknown, d: string) => (typeof v === 'string' ? v : d);
  const targetPython = str(r.targetPython, '').trim();
  const admitted = str(r.admittedCombinations, SETTINGS_DEFAULTS.admittedCombinations);
  const accelerator = str(r.accelerator, SETTINGS_DEFAULTS.accelerator);
  return {
    enable: typeof r.enable === 'boolean' ? r.enable : SETTINGS_DEFAULTS.enable,
    disabledRules: strings(r.disabledRules),
    severityOverrides: overrides(r.severityOverrides),
    admitted: isOneOf(ADMITTED_LEVELS, admitted) ? admitted : SETTINGS_DEFAULTS.admittedCombinations,
    targetPython: /^3\.\d+$/.test(targetPython) ? targetPython : undefined,
    accelerator: isOneOf(ACCELERATORS, accelerator) ? accelerator : SETTINGS_DEFAULTS.accelerator,
    ruleFiles: trusted ? strings(r.ruleFiles) : [],
    models: strings(r.models),
    installCommand: trusted ? strings(r.installCommand) : [],
    testPrompt: str(r.testPrompt, SETTINGS_DEFAULTS.testPrompt),
    hubUrl: str(r.hubUrl, '').trim(),
    // Read includes outside the workspace folder: only when trusted (security.md).
    allowIncludesOutside: trusted && r.allowIncludesOutsideWorkspace === true,
    // An untrusted workspace's manifests name the hosts that would be contacted: only when the user allows it.
    liveIndexes: r.offline !== true && (trusted || r.indexesInUntrustedWorkspaces === true),
  };
}

/** One row of the settings table in docs/settings.md, which scripts/gen-settings-docs.ts writes from SETTINGS_DOCS. */
export interface SettingDoc {
  /** The setting under `mlPins.`; none for a `[tool.ml-pins]`-only key or an input that is not a setting. */
  setting?: SettingName;
  /** The first column when there is no setting. */
  label?: string;
  /** The `[tool.ml-pins]` form (Markdown). */
  toml?: string;
  /** The default when there is no setting (a setting's default is its SETTINGS_DEFAULTS value). */
  default?: string;
  /** What it does (Markdown). */
  doc: string;
}

/** Every setting, in the order docs/settings.md lists them, with its `[tool.ml-pins]` form and what it does. */
export const SETTINGS_DOCS: readonly SettingDoc[] = [
  { setting: 'enable', doc: 'Check manifests at all.' },
  { setting: 'disabledRules', toml: '`disable = ["code", …]`', doc: 'Rule codes to turn off (`ml-pins rules` lists them; VS Code completes and validates the bundled codes).' },
  { setting: 'severityOverrides', toml: '`[tool.ml-pins.rules]` `code = "error"` or `code = { severity = "…" }`', doc: 'Severity per rule code: `error`, `warning`, `information`, `hint` or `off` (codes completed and validated as above).' },
  { setting: 'admittedCombinations', toml: '`admitted = "information"` (per rule: `code = { admitted = "off" }`)', doc: 'How loudly a breaking combination speaks when the pins allow it but a new install today would not pick it.' },
  { setting: 'targetPython', toml: '`target-python = "3.11"`', doc: 'The CPython the project runs on. Evaluates `python_version` markers and makes the Python-wheel check strict.' },
  { label: '–', default: 'unknown', toml: '`platform = "linux"`', doc: '`linux`, `windows` or `macos`: the operating system the project installs on. Decides `sys_platform` / `platform_system` / `os_name` markers; unknown, both branches count. CLI: `--platform`.' },
  { label: 'the selected interpreter', default: '–', doc: 'The environment the project runs in (VS Code: the Python extension\'s interpreter; CLI: `--environment .venv`, a venv, its interpreter or a site-packages folder). Its packages are read from their metadata without running anything; its Python and platform become the target ones unless set. See [severity](severity.md#the-installed-environment).' },
  { setting: 'accelerator', toml: '`accelerator = "rocm"`', doc: '`auto`, `cpu`, `cuda`, `rocm` or `mps`: the machine the project installs on. With `cpu`, `cuda` or `rocm`, a `+cu…`/`+rocm…`/`+cpu` build for another accelerator is reported (`torch-variant-accelerator`); the test generation detects the hardware itself.' },
  { setting: 'ruleFiles', toml: '`rule-files = ["ml-pins-rules.json"]`', doc: 'Extra rule families (JSON, the schema of `rules/*.json`, validated on load). Ignored in untrusted workspaces.' },
  { setting: 'models', toml: '`models = ["sdxl-1.0"]`', doc: 'Models for **Install Models and Run Test Generation** (Hub repo ids or aliases).' },
  { setting: 'installCommand', toml: '`install-command = ["python", "setup_ai_models.py", "--models", "sdxl-1.0"]`', doc: 'The project\'s own installer, run with the same interpreter before the test generation. Ignored in untrusted workspaces.' },
  { setting: 'testPrompt', doc: 'The prompt of the test generation.' },
  { setting: 'allowIncludesOutsideWorkspace', toml: '`allow-includes-outside = true`', doc: 'Read files that `-r`/`-c`, `pip install -r` and rule files name outside the workspace folder (CLI: outside the paths checked; the flag is `--allow-outside`). Off: such an include gets a finding saying it was not read. Ignored in untrusted workspaces. See [security.md](security.md).' },
  { setting: 'offline', doc: 'Use the bundled metadata snapshot only. Off: the language server also reads what the project\'s own package indexes declare (`--index-url`, `--extra-index-url` and `--find-links` of requirement files, `[[tool.uv.index]]`, Poetry sources, else PyPI) in the background, cached on disk (`~/.cache/ml-pins/index`); diagnostics appear from the snapshot first and are refined when the metadata arrives. CLI: `--offline` (check, fix, resolve) or `ML_PINS_OFFLINE=1`.' },
  { setting: 'indexesInUntrustedWorkspaces', doc: 'Read the package indexes an untrusted workspace\'s manifests name (its files choose the hosts contacted). Off: untrusted workspaces, and VS Code for the Web, use the snapshot only. Only user settings count.' },
  { setting: 'hubUrl', doc: 'A Hugging Face Hub mirror or endpoint for model search and downloads (the runner gets it as `HF_ENDPOINT`). A workspace\'s value is ignored until the workspace is trusted.' },
];

/** docs/settings.md's table of settings. */
export function settingsTable(): string {
  const rows = SETTINGS_DOCS.map((d) => [
    d.setting ? `\`${SETTINGS_SECTION}.${d.setting}\`` : d.label ?? '–',
    d.toml ?? '–',
    d.setting ? `\`${JSON.stringify(SETTINGS_DEFAULTS[d.setting])}\`` : d.default ?? '–',
    d.doc,
  ]);
  return [['VS Code setting', '`[tool.ml-pins]` key', 'default', 'what it does'], ['---', '---', '---', '---'], ...rows]
    .map((cells) => (cells[0] === '---' ? `|${cells.join('|')}|` : `| ${cells.join(' | ')} |`)).join('\n');
}
