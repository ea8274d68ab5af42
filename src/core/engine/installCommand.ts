// How an environment's installer is asked to install requirements. A module of its own, apart from installer.ts: the
// editor extension runs the command, and importing it must not load every manifest format's parser at activation.

/**
 * The program and arguments that install `requirements` into the environment of the interpreter `executable`: pip
 * through that interpreter, or `uv pip install --python` where uv manages the project (uv's environments have no pip).
 * An argument list, never a shell string.
 */
export function installArgv(installer: string, executable: string, requirements: readonly string[]): [program: string, args: string[]] {
  return installer === 'uv' ? ['uv', ['pip', 'install', '--python', executable, ...requirements]] : [executable, ['-m', 'pip', 'install', ...requirements]];
}
