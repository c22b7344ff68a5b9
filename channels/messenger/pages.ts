/**
 * Which Facebook Pages this app serves, and each Page's access token. Pages come from
 * `MESSENGER_PAGES` (read at start) and from the admin API (stored in the database, shared
 * by every node). A stored token wins over the environment's for the same Page, so an
 * admin can reconnect a Page whose token Meta revoked (error 190) without a restart.
 */
export interface PageTokens {
  tokenOf(pageId: string): Promise<string | undefined>;
}

export interface StoredPage {
  pageId: string;
  accessToken: string;
  name: string | null;
}

/** Where pages added through the admin API live (see db-page-store.ts). */
export interface PageStore {
  list(): Promise<StoredPage[]>;
  save(page: StoredPage): Promise<void>;
  remove(pageId: string): Promise<boolean>;
}

export interface PageInfo {
  pageId: string;
  name: string | null;
  source: 'environment' | 'admin';
  /** Enough of the token to tell two apart; never the token. */
  tokenHint: string;
}

/** Fixed tokens (tests, the simulator). */
export function staticPageTokens(pages: Readonly<Record<string, string>>): PageTokens {
  return { tokenOf: async (pageId) => pages[pageId] };
}

export class PageDirectory implements PageTokens {
  private stored = new Map<string, StoredPage>();
  private loadedAt = 0;
  private loading: Promise<void> | null = null;

  constructor(
    private readonly env: Readonly<Record<string, string>>,
    private readonly store: PageStore | null,
    private readonly opts: { refreshMs?: number; now?: () => number } = {},
  ) {}

  async tokenOf(pageId: string): Promise<string | undefined> {
    await this.fresh();
    let token = this.stored.get(pageId)?.accessToken ?? this.env[pageId];
    if (!token && this.store) {
      // A Page added on another node a moment ago: look once more, at most every few seconds.
      await this.fresh(5_000);
      token = this.stored.get(pageId)?.accessToken ?? this.env[pageId];
    }
    return token;
  }

  async list(): Promise<PageInfo[]> {
    await this.fresh(0);
    const ids = [...new Set([...Object.keys(this.env), ...this.stored.keys()])].sort();
    return ids.map((pageId) => {
      const s = this.stored.get(pageId);
      return { pageId, name: s?.name ?? null, source: s ? 'admin' : 'environment', tokenHint: hint(s?.accessToken ?? this.env[pageId]!) };
    });
  }

  async add(page: StoredPage): Promise<void> {
    if (!this.store) throw new Error('no page store configured');
    await this.store.save(page);
    this.stored.set(page.pageId, page);
  }

  /** Forget a Page added through the API (its environment token, if any, applies again). */
  async remove(pageId: string): Promise<boolean> {
    if (!this.store) return false;
    const gone = await this.store.remove(pageId);
    this.stored.delete(pageId);
    return gone;
  }

  isFromEnvironment(pageId: string): boolean {
    return pageId in this.env;
  }

  private async fresh(maxAgeMs = this.opts.refreshMs ?? 60_000): Promise<void> {
    if (!this.store) return;
    const now = (this.opts.now ?? Date.now)();
    if (now - this.loadedAt < maxAgeMs && this.loadedAt > 0) return;
    await (this.loading ??= this.store
      .list()
      .then((pages) => {
        this.stored = new Map(pages.map((p) => [p.pageId, p]));
        this.loadedAt = (this.opts.now ?? Date.now)();
      })
      .finally(() => (this.loading = null)));
  }
}

/** The last 4 characters, and only of a token long enough for them to give nothing away. */
function hint(token: string): string {
  return token.length < 16 ? '…' : `…${token.slice(-4)}`;
}
