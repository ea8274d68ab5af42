// VS Code settings -> engine settings, through the schema the language server uses too (src/core/settings.ts).
// [tool.ml-pins] in the project overrides these (the engine merges them).
import * as vscode from 'vscode';
import { SETTINGS_DEFAULTS, SETTINGS_SECTION, settingsFrom, type EditorSettings, type SettingName } from '../core/settings';

export const SECTION = SETTINGS_SECTION;
export type ExtensionSettings = EditorSettings;

export function readSettings(scope?: vscode.ConfigurationScope): ExtensionSettings {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  const raw = Object.fromEntries((Object.keys(SETTINGS_DEFAULTS) as SettingName[]).map((k) => [k, c.get(k)]));
  return settingsFrom(raw, vscode.workspace.isTrusted);
}
