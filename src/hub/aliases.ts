// Short names for well-known Hub models, shared with python/ml_pins_runner.py (MODEL_ALIASES); a test checks that
// the two tables are identical. Only repo ids known to exist are listed.
export const MODEL_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  'sdxl-1.0': 'stabilityai/stable-diffusion-xl-base-1.0',
  'sd-1.5': 'stable-diffusion-v1-5/stable-diffusion-v1-5',
  'sd-2.1': 'stabilityai/stable-diffusion-2-1',
  'sdxl-turbo': 'stabilityai/sdxl-turbo',
  'tiny-gpt2': 'sshleifer/tiny-gpt2',
});

// huggingface_hub's validate_repo_id (src/huggingface_hub/utils/_validators.py, REPO_ID_REGEX): each part starts and
// ends with a word character, holds only [\w.-], the name has at most 96 characters; no "--" or "..", no ".git"
// suffix. As python/ml_pins_runner/models.py: the owner is required and \w is ASCII, so `a/.` and `a/-x` are refused.
const PART = '[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?';
const REPO_ID = new RegExp(`^${PART}/${PART}$`);

/** A Hub model repo id (`owner/name`) by the Hub client's own rules. */
export function isValidRepoId(id: string): boolean {
  return REPO_ID.test(id) && id.split('/')[1].length <= 96 && !id.includes('..') && !id.includes('--') && !id.endsWith('.git');
}

/** The repo id an alias stands for; undefined when it is not an alias. */
export function resolveModelAlias(alias: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(MODEL_ALIASES, alias) ? MODEL_ALIASES[alias] : undefined;
}

/** An alias or a valid repo id -> the repo id; undefined for anything else. */
export function resolveModelId(value: string): string | undefined {
  return resolveModelAlias(value) ?? (isValidRepoId(value) ? value : undefined);
}
