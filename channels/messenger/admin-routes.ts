import express, { type Router } from 'express';
import { z } from 'zod';
import { GatewayError, isGatewayError } from '../../src/core/errors';
import { parse, type ApiRouter } from '../../src/api/api-router';
import type { PathItem } from '../../src/api/openapi';
import { createInbox, findInboxByAccount, setConnectionProblem } from '../../src/store/repos/inboxes';
import type { Db } from '../../src/store/unit-of-work';
import type { MessengerChannel } from './index';

const pageParam = z.object({ pageId: z.string().regex(/^\d{1,30}$/, 'a Facebook Page id is digits only') });
const pageBody = z.object({
  accessToken: z.string().trim().min(20, 'is too short to be a Page access token').max(1000).regex(/^\S+$/, 'must not contain spaces'),
  name: z.string().trim().min(1).max(120).optional(),
});

/**
 * Facebook Pages over the admin API, besides MESSENGER_PAGES: add or reconnect a Page with
 * its access token (checked with Meta first: the token must belong to that Page), list
 * them (tokens only as a hint), remove one added here. Adding a Page creates its inbox;
 * reconnecting clears the inbox's "needs reconnection" mark.
 */
export function messengerAdminRoutes(db: Db, api: ApiRouter, channel: MessengerChannel): Router {
  const r = express.Router();
  const admin = api.requireAgent('admin');

  r.get('/channels/messenger/pages', admin, async (_req, res) => {
    const pages = await channel.pages.list();
    const items = [];
    for (const p of pages) {
      const inbox = await findInboxByAccount(db, 'messenger', p.pageId);
      items.push({ ...p, inboxId: inbox?.id ?? null, connection: { ok: !inbox?.connection_error, problem: inbox?.connection_error ?? null } });
    }
    res.json({ items });
  });

  r.put('/channels/messenger/pages/:pageId', admin, async (req, res) => {
    const { pageId } = parse(pageParam, req.params);
    const body = parse(pageBody, req.body);
    let owner: { id: string; name: string | null };
    try {
      owner = await channel.graph.whoAmI(body.accessToken);
    } catch (err) {
      const why = isGatewayError(err) ? err.message : 'Meta could not be reached';
      throw new GatewayError('GW_ERR_VALIDATION', `Meta did not accept this Page access token (${why})`);
    }
    if (owner.id !== pageId) throw new GatewayError('GW_ERR_VALIDATION', `this access token belongs to Page ${owner.id}, not ${pageId}`);
    const name = body.name ?? owner.name ?? `Facebook Page ${pageId}`;
    await channel.pages.add({ pageId, accessToken: body.accessToken, name });
    const existing = await findInboxByAccount(db, 'messenger', pageId);
    const inbox = existing ?? (await createInbox(db, { channel: 'messenger', accountId: pageId, name, botEnabled: true }));
    await setConnectionProblem(db, { inboxId: inbox.id }, null, new Date());
    const info = (await channel.pages.list()).find((p) => p.pageId === pageId)!;
    res.status(existing ? 200 : 201).json({ ...info, inboxId: inbox.id, connection: { ok: true, problem: null } });
  });

  r.delete('/channels/messenger/pages/:pageId', admin, async (req, res) => {
    const { pageId } = parse(pageParam, req.params);
    const removed = await channel.pages.remove(pageId);
    if (!removed) {
      throw channel.pages.isFromEnvironment(pageId)
        ? new GatewayError('GW_ERR_INVALID_TRANSITION', 'this Page comes from MESSENGER_PAGES; remove it there')
        : new GatewayError('GW_ERR_NOT_FOUND', 'no such Page was added through the API');
    }
    res.status(204).end();
  });

  return r;
}

const pageIdParam = { name: 'pageId', in: 'path', required: true, schema: { type: 'string', pattern: '^\\d+$' } };
const errors = { '400': { description: 'invalid input, or Meta refused the token' }, '401': { description: 'not signed in' }, '403': { description: 'requires the admin role' } };

export const messengerAdminPaths: Record<string, PathItem> = {
  '/channels/messenger/pages': {
    get: { summary: 'Facebook Pages served (from MESSENGER_PAGES and the API), with their inbox and connection state; tokens only as a hint', tags: ['channels'], responses: { '200': { description: 'OK' }, ...errors } },
  },
  '/channels/messenger/pages/{pageId}': {
    put: {
      summary: 'Add or reconnect a Page: its access token is checked with Meta, stored, and the Page gets its inbox',
      tags: ['channels'],
      parameters: [pageIdParam],
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['accessToken'], properties: { accessToken: { type: 'string' }, name: { type: 'string' } } } } } },
      responses: { '200': { description: 'reconnected' }, '201': { description: 'added' }, ...errors },
    },
    delete: { summary: 'Remove a Page added through the API (its inbox and conversations stay)', tags: ['channels'], parameters: [pageIdParam], responses: { '204': { description: 'removed' }, '404': { description: 'not added through the API' }, '409': { description: 'comes from MESSENGER_PAGES' }, ...errors } },
  },
};
