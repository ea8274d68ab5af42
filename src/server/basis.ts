// What a check reads besides the manifests: the metadata (live answers over the snapshot, or the snapshot), the
// knowledge compiled over it (with the facts derived from it, src/core/metadata/derive.ts, cached inside), and the
// resolver hooks with their memo of resolutions (src/core/resolver/memo.ts). One basis serves every project that reads
// the same metadata, until that metadata changes: a thousand folders derive each package's facts and resolve each
// distinct requirement set once, and a keystroke re-resolves only the environment whose requirements it changed.
//
// Invalidation: a basis is made for a metadata generation. Live answers arriving bump their view's generation
// (src/server/live.ts), and the next check of a project on that view gets a new basis; an asynchronous snapshot (the
// web build) bumps it as it loads packages. Bounded: one basis for the snapshot and one per live view (at most
// MAX_VIEWS), each holding one knowledge base and one memo of at most MEMO_ENTRIES resolutions (and MEMO_ROOTS roots
// over them).
import type { CheckInput } from '../core/engine/check';
import type { Knowledge } from '../core/engine/knowledge';
import type { MetadataProvider } from '../core/metadata/provider';
import type { MetadataSource } from '../core/resolver/types';
import type { ServerHost } from './host';
import { MAX_VIEWS, NO_VIEW, type LiveMetadata } from './live';

export interface CheckBasis {
  /** What the check reads (undefined: no snapshot here and nothing live). */
  provider?: MetadataProvider;
  knowledge: Knowledge;
  /** The check's hooks over `provider` (resolution conflicts, yanked pins, what pip picks); none without a resolver. */
  hooks: Partial<CheckInput>;
  /** What pip does with an environment of a check made on this basis (the hover's "a new install today would pick"). */
  resolution?: ReturnType<NonNullable<ServerHost['checkHooks']>>['resolution'];
  /** The live view the basis was made for (NO_VIEW: the snapshot), and the view's generation then. */
  view: string;
  generation: number;
}

export class CheckBases {
  private snapshotBasis?: CheckBasis;
  private readonly live = new Map<string, CheckBasis>();

  constructor(private readonly host: Pick<ServerHost, 'checkHooks'>, private readonly snapshot: () => MetadataProvider | undefined,
    private readonly build: (metadata?: MetadataProvider) => Knowledge) {}

  /** The basis for a project on live view `view` (NO_VIEW, or no live metadata: the snapshot's). */
  of(live: LiveMetadata | undefined, view: string): CheckBasis {
    const v = live?.view(view);
    const generation = v?.generation ?? 0;
    // No answer yet (offline, unreachable, or not asked): the view reads exactly the snapshot.
    if (!v || generation === 0) return { ...this.ofSnapshot(), view: v ? view : NO_VIEW, generation: 0 };
    const known = this.live.get(view);
    if (known?.generation === generation) return known;
    const made = this.make(v.provider, this.build(v.provider), view, generation);
    this.live.delete(view);
    if (this.live.size >= MAX_VIEWS) this.live.delete(this.live.keys().next().value as string);
    this.live.set(view, made);
    return made;
  }

  private ofSnapshot(): CheckBasis {
    const provider = this.snapshot();
    // An asynchronous snapshot answers more as it loads packages: the hooks' memo is remade when it has grown.
    const loaded = (provider as { loaded?: () => number } | undefined)?.loaded?.() ?? 0;
    const known = this.snapshotBasis;
    if (known && known.provider === provider && known.generation === loaded) return known;
    const knowledge = known && known.provider === provider ? known.knowledge : this.build();
    return (this.snapshotBasis = this.make(provider, knowledge, NO_VIEW, loaded));
  }

  private make(provider: MetadataProvider | undefined, knowledge: Knowledge, view: string, generation: number): CheckBasis {
    const source: MetadataSource | undefined = provider && ((name) => provider.get(name));
    const { resolution, ...hooks } = this.host.checkHooks && source ? this.host.checkHooks(source) : { resolution: undefined };
    return { provider, knowledge, hooks, resolution, view, generation };
  }
}
