// Check settings: what the user set (VS Code settings or CLI flags), overridden by the project's [tool.ml-pins].
import type { Severity } from '../types';

// The allowed values of each setting, once: the VS Code settings reader, [tool.ml-pins] and the CLI flags check
// against these lists (and a test holds package.json's enums to them).
export const ACCELERATORS = ['auto', 'cpu', 'cuda', 'rocm', 'mps'] as const;
export type Accelerator = (typeof ACCELERATORS)[number];
/** How loudly a combination that is admitted but not what a fresh install takes speaks. */
export const ADMITTED_LEVELS = ['warning', 'information', 'off'] as const;
export type AdmittedLevel = (typeof ADMITTED_LEVELS)[number];
export const SEVERITY_OVERRIDES = ['error', 'warning', 'information', 'hint', 'off'] as const;
export type SeverityOverride = Severity | 'off';

/** `value` is one of `allowed` (a type guard over a list of literals). */
export function isOneOf<T extends string>(allowed: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}
/** The operating system the project installs on (platform-specific facts apply only there, or when unknown). */
export type Platform = 'linux' | 'windows' | 'macos';
export const PLATFORMS: readonly Platform[] = ['linux', 'windows', 'macos'];

/** One package installed in the target environment, read from its .dist-info / .egg-info metadata. */
export interface InstalledPackage {
  version: string;
  /** Requires-Dist as the installed metadata declares it. */
  requiresDist: string[];
}

/** The environment the project runs in (a virtual environment or site-packages folder), read without running it. */
export interface InstalledEnvironment {
  /** How messages name it: `.venv`, or the interpreter's path. */
  label: string;
  /** CPython minor version, e.g. "3.11", when known. */
  python?: string;
  platform?: Platform;
  /** PEP 503-normalized name -> what is installed. */
  packages: Record<string, InstalledPackage>;
}

export interface CheckSettings {
  /** Codes turned off. */
  disabledRules?: string[];
  /** Code -> severity (or 'off'). */
  severityOverrides?: Record<string, SeverityOverride>;
  /** Default level for admitted-only combinations; per rule in `admittedOverrides`. */
  admitted?: AdmittedLevel;
  admittedOverrides?: Record<string, AdmittedLevel>;
  /** CPython the project targets, e.g. "3.11". Evaluates markers and sharpens Python checks. */
  targetPython?: string;
  accelerator?: Accelerator;
  /** The operating system; undefined = unknown (platform-specific facts then apply and say which platform). */
  platform?: Platform;
  /** The installed environment, when one is selected (`--environment`, the editor's interpreter). */
  environment?: InstalledEnvironment;
  /** Extra rule files (paths, relative to the project). The caller loads them. */
  ruleFiles?: string[];
  /** Models for the install-and-generate command. */
  models?: string[];
  /** A project's own installer, as an argument list. */
  installCommand?: string[];
  /**
   * Read files that includes (-r/-c, `pip install -r`, rule files) name outside the checked folder. Off by default:
   * an include can name any file (`-r ~/.ssh/id_rsa`) and unparsable lines are quoted in findings.
   */
  allowIncludesOutside?: boolean;
}


export interface ConfigProblem {
  message: string;
}

/**
 * Reads `[tool.ml-pins]` (plain TOML value) into settings. Unknown keys and wrong types are reported, not fatal.
 *
 *   disable = ["torch-python-unsupported"]
 *   admitted = "information"            # warning | information | off
 *   target-python = "3.11"
 *   accelerator = "rocm"
 *   platform = "linux"                  # linux | windows | macos
 *   rule-files = ["ml-pins-rules.json"]
 *   models = ["sdxl-1.0"]
 *   install-command = ["python", "setup_ai_models.py", "--models", "sdxl-1.0"]   # or one string, split on spaces
 *   allow-includes-outside = true      # read -r/-c files outside the checked folder (not in untrusted workspaces)
 *   [tool.ml-pins.rules]
 *   hf-hub-cached-download = "error"                              # a severity, or "off"
 *   torchvision-torch-mismatch = { severity = "warning", admitted = "off" }
 */
export function readToolConfig(value: unknown): { settings: CheckSettings; problems: ConfigProblem[] } {
  const settings: CheckSettings = {};
  const problems: ConfigProblem[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { settings, problems: [{ message: '[tool.ml-pins] must be a table' }] };
  }
  const strings = (v: unknown, key: string): string[] | undefined => {
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    problems.push({ message: `[tool.ml-pins] ${key} must be a list of strings` });
    return undefined;
  };
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    switch (key) {
      case 'disable':
        settings.disabledRules = strings(v, key);
        break;
      case 'admitted':
        if (isOneOf(ADMITTED_LEVELS, v)) settings.admitted = v;
        else problems.push({ message: '[tool.ml-pins] admitted must be "warning", "information" or "off"' });
        break;
      case 'target-python':
        if (typeof v === 'string' && /^3\.\d+$/.test(v)) settings.targetPython = v;
        else problems.push({ message: '[tool.ml-pins] target-python must look like "3.11"' });
        break;
      case 'accelerator':
        if (isOneOf(ACCELERATORS, v)) settings.accelerator = v;
        else problems.push({ message: '[tool.ml-pins] accelerator must be auto, cpu, cuda, rocm or mps' });
        break;
      case 'platform':
        if (isOneOf(PLATFORMS, v)) settings.platform = v;
        else problems.push({ message: '[tool.ml-pins] platform must be linux, windows or macos' });
        break;
      case 'rule-files':
        settings.ruleFiles = strings(v, key);
        break;
      case 'models':
        settings.models = strings(v, key);
        break;
      case 'install-command':
        if (typeof v === 'string') settings.installCommand = v.trim().split(/\s+/).filter(Boolean);
        else settings.installCommand = strings(v, key);
        break;
      case 'allow-includes-outside':
        if (typeof v === 'boolean') settings.allowIncludesOutside = v;
        else problems.push({ message: '[tool.ml-pins] allow-includes-outside must be true or false' });
        break;
      case 'rules':
        readRuleOverrides(v, settings, problems);
        break;
      default:
        problems.push({ message: `[tool.ml-pins] unknown key "${key}"` });
    }
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
      (settings.severityOverrides ??= {})[code] = o as SeverityOverride;
    } else if (typeof o === 'object' && o !== null && !Array.isArray(o)) {
      const { severity, admitted } = o as Record<string, unknown>;
      if (severity !== undefined) {
        if (isOneOf(SEVERITY_OVERRIDES, severity)) (settings.severityOverrides ??= {})[code] = severity;
        else problems.push({ message: `[tool.ml-pins.rules] ${code}.severity is not a severity` });
      }
      if (admitted !== undefined) {
        if (isOneOf(ADMITTED_LEVELS, admitted)) (settings.admittedOverrides ??= {})[code] = admitted;
        else problems.push({ message: `[tool.ml-pins.rules] ${code}.admitted must be warning, information or off` });
      }
    } else {
      problems.push({ message: `[tool.ml-pins.rules] ${code} must be a severity, "off", or a table` });
    }
  }
}

/** Project settings win over user settings, key by key; rule maps merge. */
export function mergeSettings(user: CheckSettings, project: CheckSettings): CheckSettings {
  return {
    ...user,
    ...Object.fromEntries(Object.entries(project).filter(([, v]) => v !== undefined)),
    disabledRules: [...(user.disabledRules ?? []), ...(project.disabledRules ?? [])],
    severityOverrides: { ...user.severityOverrides, ...project.severityOverrides },
    admittedOverrides: { ...user.admittedOverrides, ...project.admittedOverrides },
    allowIncludesOutside: user.allowIncludesOutside === true || project.allowIncludesOutside === true,
  };
}

/** Most severe first: the order for sorting findings and for keeping the worst of two. */
export const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, information: 2, hint: 3 };

/**
 * The final severity of a finding of `code`, or undefined when it is turned off. Order: the computed severity, then
 * the level for admitted-only combinations, then the rule's own cap (`maxSeverity`), then the user's override, which
 * always wins.
 */
export function applySeverity(code: string, computed: Severity, settings: CheckSettings, admittedOnly: boolean, cap?: Severity): Severity | undefined {
  if (settings.disabledRules?.includes(code)) return undefined;
  let severity: Severity = computed;
  if (admittedOnly) {
    const level = settings.admittedOverrides?.[code] ?? settings.admitted ?? 'warning';
    if (level === 'off') return undefined;
    severity = level;
  }
  if (cap && SEVERITY_RANK[cap] > SEVERITY_RANK[severity]) severity = cap;
  const override = settings.severityOverrides?.[code];
  if (override === 'off') return undefined;
  return override ?? severity;
}

