// Types for scripts/debian-packages.mjs (imported by its unit test).
export interface RunResult { status: number | null; stdout?: string; stderr?: string; error?: Error }
export interface SystemRunner {
  run(cmd: string, args: string[], options?: { env?: NodeJS.ProcessEnv; stdio?: unknown }): RunResult;
  isRoot(): boolean;
  exists(path: string): boolean;
  log(line: string): void;
}
export const DEBIAN_PACKAGES: string[];
export const systemRunner: SystemRunner;
export function installCommand(packages: string[]): string;
export function missingPackages(packages?: string[], sys?: SystemRunner): { dpkg: boolean; missing: string[] };
export function ensureDebianPackages(packages?: string[], sys?: SystemRunner, tag?: string, purpose?: string): { installed: string[] };
