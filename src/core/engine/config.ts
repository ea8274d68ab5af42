// Check settings: what the user set (VS Code settings or CLI flags), overridden by the project's [tool.ml-pins].
import type { Severity } from '../types';
import type { AdmittedLevel, Accelerator, Platform, SeverityOverride } from '../settings';

// The allowed values of each setting and the reading of [tool.ml-pins] live with the settings schema
// (src/core/settings.ts); re-exported here for the engine's callers.
export { ACCELERATORS, ADMITTED_LEVELS, isOneOf, PLATFORMS, readToolConfig, SEVERITY_OVERRIDES } from '../settings';
export type { Accelerator, AdmittedLevel, ConfigProblem, Platform, SeverityOverride } from '../settings';

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

