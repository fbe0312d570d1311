import { createHash } from 'node:crypto';

/**
 * What a caller may see, from the standard space-separated `scope` claim:
 * - `usage:read`: needed for any data at all;
 * - `usage:all`: everything;
 * - `signicat:org:<organizationId>`: that organisation, its descendants, their accounts and usage;
 * - `onomondo:tag:<tagId>`: the SIMs carrying that tag, their usage, and the tag;
 * - `fourme:statements`: usage statements and their billable people.
 * Scope ids are the vendors' own ids (`externalId` in the graph). Anything outside is invisible: not listed, not
 * counted, and looked up by id exactly as an id that does not exist.
 */
export class Visibility {
  readonly read: boolean;
  readonly all: boolean;
  readonly organizationIds: ReadonlySet<string>;
  readonly tagIds: ReadonlySet<string>;
  readonly statements: boolean;
  /** Differs between callers who see different things: cursors of one never page another's lists. */
  readonly fingerprint: string;

  constructor(scopes: ReadonlySet<string>) {
    this.read = scopes.has('usage:read');
    this.all = this.read && scopes.has('usage:all');
    this.organizationIds = this.read ? scopedIds(scopes, 'signicat:org:') : new Set();
    this.tagIds = this.read ? scopedIds(scopes, 'onomondo:tag:') : new Set();
    this.statements = this.all || (this.read && scopes.has('fourme:statements'));
    this.fingerprint = this.all
      ? 'all'
      : createHash('sha256')
          .update(JSON.stringify([this.read, [...this.organizationIds].sort(), [...this.tagIds].sort(), this.statements]))
          .digest('base64url')
          .slice(0, 12);
  }

  /** Whether the caller sees every organisation and account (no Signicat filtering needed). */
  get everyOrganization(): boolean {
    return this.all;
  }

  /** Whether the caller sees every SIM and tag. */
  get everySim(): boolean {
    return this.all;
  }

  /** Whether the caller may see any organisation at all: without, nothing needs asking Signicat. */
  get someOrganization(): boolean {
    return this.all || this.organizationIds.size > 0;
  }

  /** Whether the caller may see any SIM or tag at all: without, nothing needs asking Onomondo. */
  get someSim(): boolean {
    return this.all || this.tagIds.size > 0;
  }

  seesTag(tagId: string): boolean {
    return this.all || this.tagIds.has(tagId);
  }

  seesSim(sim: { tags: readonly { id: string }[] }): boolean {
    return this.all || sim.tags.some((tag) => this.tagIds.has(tag.id));
  }

  /**
   * Whether an organisation is one of the caller's or lies below one: walks up its parents (`parentOf` answers an
   * organisation's parent id, null at the top, undefined when the organisation does not exist).
   */
  async seesOrganization(organizationId: string, parentOf: (id: string) => Promise<string | null | undefined>): Promise<boolean> {
    if (this.all) return true;
    if (this.organizationIds.size === 0) return false;
    const seen = new Set<string>();
    for (
      let current: string | null | undefined = organizationId;
      current != null && !seen.has(current);
      current = await parentOf(current)
    ) {
      if (this.organizationIds.has(current)) return true;
      seen.add(current);
    }
    return false;
  }
}

function scopedIds(scopes: ReadonlySet<string>, prefix: string): Set<string> {
  return new Set(
    [...scopes].filter((scope) => scope.startsWith(prefix) && scope.length > prefix.length).map((scope) => scope.slice(prefix.length)),
  );
}
