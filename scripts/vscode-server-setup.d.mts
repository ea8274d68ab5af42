// Types for the parts of scripts/vscode-server-setup.mjs that unit tests import.
export function localNodeDir(execPath?: string, version?: string): string | undefined;
