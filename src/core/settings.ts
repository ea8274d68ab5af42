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
};

export type SettingName = keyof typeof SETTINGS_DEFAULTS;
/** What a client sends: the settings as the user wrote them (any of them may be missing or malformed). */
export type RawSettings = { [K in SettingName]?: unknown };

export interface EditorSettings extends CheckSettings {
  enable: boolean;
  testPrompt: string;
  /** A Hub mirror or endpoint (HF_ENDPOINT); '' for huggingface.co. */
  hubUrl: string;
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
  };
}
