// VS Code settings -> engine settings. [tool.ml-pins] in the project overrides these (the engine merges them).
import * as vscode from 'vscode';
import type { Accelerator, AdmittedLevel, CheckSettings, SeverityOverride } from '../core/engine/config';

export const SECTION = 'mlPins';

export interface ExtensionSettings extends CheckSettings {
  enable: boolean;
  testPrompt: string;
  /** A Hub mirror or endpoint (HF_ENDPOINT); '' for huggingface.co. */
  hubUrl: string;
}

export function readSettings(scope?: vscode.ConfigurationScope): ExtensionSettings {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  const targetPython = c.get<string>('targetPython', '').trim();
  return {
    enable: c.get<boolean>('enable', true),
    disabledRules: c.get<string[]>('disabledRules', []),
    severityOverrides: c.get<Record<string, SeverityOverride>>('severityOverrides', {}),
    admitted: c.get<AdmittedLevel>('admittedCombinations', 'warning'),
    targetPython: /^3\.\d+$/.test(targetPython) ? targetPython : undefined,
    accelerator: c.get<Accelerator>('accelerator', 'auto'),
    // Rule files run no code, but they change what is reported: only honoured in trusted workspaces.
    ruleFiles: vscode.workspace.isTrusted ? c.get<string[]>('ruleFiles', []) : [],
    models: c.get<string[]>('models', []),
    installCommand: vscode.workspace.isTrusted ? c.get<string[]>('installCommand', []) : [],
    testPrompt: c.get<string>('testPrompt', 'A beautiful sunset'),
    hubUrl: c.get<string>('hubUrl', '').trim(),
    allowIncludesOutside: vscode.workspace.isTrusted && c.get<boolean>('allowIncludesOutsideWorkspace', false),
  };
}
