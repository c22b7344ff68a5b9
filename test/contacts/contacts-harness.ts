import type { ChannelHost } from '../../src/core/channel';
import type { ContactProfile } from '../../src/core/message';
import { createGateway, type Gateway } from '../../src/server/gateway';
import type { Store } from '../../src/store/database';
import { upsertAgent } from '../../src/store/repos/agents';
import { createInbox } from '../../src/store/repos/inboxes';
import type { InboxRow } from '../../src/store/schema';
import { FakeChannel } from '../fakes/fake-channel';
import { testConfig } from '../support/test-config';

/** A fake channel that can also tell the gateway what the platform says about a contact (profile, follow). */
export class ProfileChannel extends FakeChannel {
  private hostRef: ChannelHost | null = null;

  override mount(host: ChannelHost): void {
    super.mount(host);
    this.hostRef = host;
  }

  profile(userId: string, profile: ContactProfile | null, follower: boolean | null = null) {
    return this.hostRef!.platformEvent({ kind: 'contact', origin: { channel: this.id, accountId: this.accountId, externalUserId: userId, at: new Date() }, externalId: userId, profile, follower });
  }
}

export type Who = 'admin' | 'sup' | 'agent' | 'outsider';

export interface ContactsHarness {
  gw: Gateway;
  url: string;
  zalo: ProfileChannel;
  messenger: ProfileChannel;
  zaloInbox: InboxRow;
  messengerInbox: InboxRow;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers, checked field by field by the tests
  call(who: Who | null, method: string, path: string, body?: unknown, contentType?: string): Promise<{ status: number; json: any; text: string }>;
}

/**
 * A listening gateway with a Zalo OA and a Messenger Page (fake channels), an admin, a
 * supervisor, an agent member of both inboxes and an "outsider" agent of another inbox.
 */
export async function startContactsHarness(store: Store): Promise<ContactsHarness> {
  const zalo = new ProfileChannel('oa-1', 'zalo');
  const messenger = new ProfileChannel('page-1', 'messenger');
  const gw = await createGateway({ config: testConfig(), store, channels: [zalo, messenger] });
  const zaloInbox = await createInbox(gw.db, { channel: 'zalo', accountId: 'oa-1', name: 'Zalo OA', botEnabled: false });
  const messengerInbox = await createInbox(gw.db, { channel: 'messenger', accountId: 'page-1', name: 'Fanpage', botEnabled: false });
  const other = await createInbox(gw.db, { channel: 'widget', accountId: 'other-shop', name: 'Other shop', botEnabled: false });
  const tokens = {} as Record<Who, string>;
  for (const [who, role, inboxes] of [['admin', 'admin', []], ['sup', 'supervisor', []], ['agent', 'agent', [zaloInbox.id, messengerInbox.id]], ['outsider', 'agent', [other.id]]] as const) {
    const a = await upsertAgent(gw.db, { email: `${who}@contacts.test`, name: who, role, password: 'password-123456' });
    for (const inboxId of inboxes) await gw.db.insertInto('inbox_members').values({ inbox_id: inboxId, agent_id: a.id }).execute();
  }
  const url = await gw.listen();
  for (const who of ['admin', 'sup', 'agent', 'outsider'] as const) {
    const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `${who}@contacts.test`, password: 'password-123456' }) });
    tokens[who] = ((await res.json()) as { token: string }).token;
  }
  const call: ContactsHarness['call'] = async (who, method, path, body, contentType = 'application/json') => {
    const res = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: { ...(who ? { authorization: `Bearer ${tokens[who]}` } : {}), ...(body !== undefined ? { 'content-type': contentType } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: res.status, json, text };
  };
  return { gw, url, zalo, messenger, zaloInbox, messengerInbox, call };
}

/** The contact behind a channel identity. */
export async function contactIdOf(gw: Gateway, channel: string, externalId: string): Promise<number> {
  const row = await gw.db.selectFrom('contact_identities').select('contact_id').where('channel', '=', channel).where('external_id', '=', externalId).executeTakeFirstOrThrow();
  return row.contact_id;
}
