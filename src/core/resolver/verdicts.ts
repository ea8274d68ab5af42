// What pip's root stage finds on one question (the options a resolution is asked with), kept across resolutions by
// the memo (./memo.ts): for an ident's root requirements so far, with the package's constraints, whether a candidate
// matches, and the Pythons on which that look-up reads alike. A keystroke changes one root of many, and a pin that no
// release matches (being typed) stops pip there, before any round: where it stops is found from the verdicts
// (PipResolver.rootStop in ./pip.ts) without a look-up per root.
import type { PythonMask } from './pythons';

export interface RootVerdict {
  matches: boolean;
  alike: PythonMask;
}

/** Verdicts kept per question at most (all dropped when full, the next check keeping its own): a check resolves 1,000
 *  requirements at most. A verdict with its share of the maps is about 400 bytes (measured: stable-hair's 147 roots on
 *  one Python, 56 KiB), so the memo's 16 questions hold 13 MB at the very most, a file being typed about 0.4 MB. */
const MAX_VERDICTS = 2048;

export class RootVerdicts {
  /** For the roots so far [0] and for one root alone [1]: ident (with its package's constraints' texts, when it has
   *  some) -> the roots' texts -> the verdict. Nested, so that a look-up hashes strings a check already holds (the
   *  root's text, the ident) and builds none for the one root most idents have. */
  private readonly kinds = [new Map<string, Map<string, RootVerdict>>(), new Map<string, Map<string, RootVerdict>>()];
  private size = 0;

  get(alone: boolean, ident: string, texts: string): RootVerdict | undefined {
    return this.kinds[alone ? 1 : 0].get(ident)?.get(texts);
  }

  set(alone: boolean, ident: string, texts: string, verdict: RootVerdict): void {
    if (this.size >= MAX_VERDICTS) {
      for (const kind of this.kinds) kind.clear();
      this.size = 0;
    }
    const kind = this.kinds[alone ? 1 : 0];
    let byTexts = kind.get(ident);
    if (!byTexts) kind.set(ident, (byTexts = new Map()));
    if (!byTexts.has(texts)) this.size++;
    byTexts.set(texts, verdict);
  }
}
