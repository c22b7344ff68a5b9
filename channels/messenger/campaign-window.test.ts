import { messengerCampaignWindow, MESSENGER_NEVER_CONTACTED, MESSENGER_OUTSIDE_WINDOW } from './campaign-window';
import { createMessengerChannel } from './index';

const now = new Date('2026-03-10T12:00:00Z');
const H = 3_600_000;
const ago = (ms: number) => new Date(now.getTime() - ms);

describe('Messenger campaign window: only inside the 24-hour standard window', () => {
  it.each<[string, Date | null, unknown]>([
    ['1 minute after the contact wrote', ago(60_000), { open: true }],
    ['23 h 59 m 59 s', ago(24 * H - 1000), { open: true }],
    ['contact clock slightly ahead of ours', new Date(now.getTime() + 5_000), { open: true }],
    ['exactly 24 h: closed', ago(24 * H), { open: false, reason: MESSENGER_OUTSIDE_WINDOW, notBefore: null }],
    ['25 h (a Human Agent reply would still be allowed, a promotion is not)', ago(25 * H), { open: false, reason: MESSENGER_OUTSIDE_WINDOW, notBefore: null }],
    ['3 days 2 h', ago(74 * H), { open: false, reason: MESSENGER_OUTSIDE_WINDOW, notBefore: null }],
    ['never wrote to the Page', null, { open: false, reason: MESSENGER_NEVER_CONTACTED, notBefore: null }],
  ])('%s', (_label, lastInboundAt, expected) => {
    expect(messengerCampaignWindow({ lastInboundAt }, now)).toEqual(expected);
  });

  it('is the Messenger adapter\'s campaignWindow (follower and earlier campaigns play no part)', async () => {
    const channel = createMessengerChannel({ appSecret: 's', verifyToken: 'v', pages: { '111': 'EAAB-t' }, graphUrl: 'http://127.0.0.1:9', apiVersion: 'v24.0', humanAgent: true, appId: '9' });
    const address = { channel: 'messenger', accountId: '111', externalUserId: '222' };
    expect(await channel.campaignWindow!({ address, lastInboundAt: ago(H), follower: null, lastCampaignAt: ago(H) }, now)).toEqual({ open: true });
    expect(await channel.campaignWindow!({ address, lastInboundAt: ago(30 * H), follower: true, lastCampaignAt: null }, now)).toEqual({ open: false, reason: MESSENGER_OUTSIDE_WINDOW, notBefore: null });
  });

  it('says so in fixed words a report can count by', () => {
    expect(MESSENGER_OUTSIDE_WINDOW).toBe("Messenger: outside Messenger's 24-hour window (no message tag allows promotions)");
  });
});
