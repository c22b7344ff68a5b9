import type { PathItem, Schema } from './openapi';

/** OpenAPI descriptions of the segment and campaign routes (segment-routes.ts, campaign-routes.ts). */

const err = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
const json = (schema: Schema) => ({ description: 'OK', content: { 'application/json': { schema } } });
const body = (schema: Schema) => ({ required: true, content: { 'application/json': { schema } } });
const id = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };
const page = [
  { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
  { name: 'cursor', in: 'query', schema: { type: 'string' } },
];
const errors = { '400': err('invalid input'), '401': err('not signed in'), '403': err('supervisors and admins only'), '404': err('not found') };
const transition = { ...errors, '409': err('not possible in the campaign’s status') };
const nullable = (type: string) => ({ type: [type, 'null'] });
const contact = { $ref: '#/components/schemas/ContactRecord' };
const channelEnum = { enum: ['widget', 'messenger', 'zalo'] };

const filter: Schema = {
  type: 'object',
  description: 'Every part optional, every given part must hold; merged contacts are never included',
  properties: {
    labels: { type: 'array', items: { type: 'string' }, description: 'has any of these labels' },
    channels: { type: 'array', items: channelEnum },
    inboxIds: { type: 'array', items: { type: 'integer' } },
    lastActivity: { type: 'object', properties: { withinDays: { type: 'integer' }, olderThanDays: { type: 'integer' } } },
    zaloFollower: { type: 'boolean' },
    attributes: { type: 'array', items: { type: 'object', properties: { key: { type: 'string' }, op: { enum: ['eq', 'neq', 'exists'] }, value: { type: ['string', 'number', 'boolean'] } }, required: ['key', 'op'] } },
  },
};
const segment: Schema = { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' }, filter, contactCount: { type: 'integer' }, createdAt: { type: 'string' }, updatedAt: { type: 'string' } } };
const contactsPage = json({ type: 'object', properties: { total: { type: 'integer' }, contacts: { type: 'array', items: contact }, nextCursor: nullable('string') } });
const content: Schema = {
  type: 'object',
  required: ['text'],
  properties: { text: { type: 'string', maxLength: 2000 }, imageUrl: { type: 'string', description: 'https; not together with quickReplies' }, quickReplies: { type: 'array', maxItems: 3, items: { type: 'string', maxLength: 20 } } },
};
const campaign: Schema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    segmentId: nullable('integer'),
    filter,
    inboxIds: { type: 'array', items: { type: 'integer' } },
    content,
    status: { enum: ['draft', 'scheduled', 'sending', 'sent', 'cancelled'] },
    scheduledAt: nullable('string'),
    startedAt: nullable('string'),
    finishedAt: nullable('string'),
    createdAt: { type: 'string' },
  },
};
const counts = { type: 'object', additionalProperties: { type: 'integer' } };
const figures: Schema = {
  type: 'object',
  properties: { total: { type: 'integer' }, skipped: counts, waiting: { type: 'integer' }, queued: { type: 'integer' }, sent: { type: 'integer' }, delivered: { type: 'integer' }, failed: counts, unknown: { type: 'integer' }, replied: { type: 'integer' } },
};
const campaignOnly = json({ type: 'object', properties: { campaign } });

export const campaignPaths: Record<string, PathItem> = {
  '/segments': {
    get: { summary: 'Saved segments with their current contact counts', tags: ['segments'], responses: { '200': json({ type: 'object', properties: { segments: { type: 'array', items: segment } } }), ...errors } },
    post: { summary: 'Save a segment', tags: ['segments'], requestBody: body({ type: 'object', required: ['name', 'filter'], properties: { name: { type: 'string' }, filter } }), responses: { '201': json({ type: 'object', properties: { segment } }), ...errors } },
  },
  '/segments/preview': {
    post: { summary: 'The contacts an unsaved filter means, in id order', tags: ['segments'], parameters: page, requestBody: body({ type: 'object', required: ['filter'], properties: { filter } }), responses: { '200': contactsPage, ...errors } },
  },
  '/segments/{id}': {
    patch: { summary: 'Rename or change the filter (campaigns keep their own copy)', tags: ['segments'], parameters: [id], requestBody: body({ type: 'object', properties: { name: { type: 'string' }, filter } }), responses: { '200': json({ type: 'object', properties: { segment } }), ...errors } },
    delete: { summary: 'Delete a segment', tags: ['segments'], parameters: [id], responses: { '204': { description: 'deleted' }, ...errors } },
  },
  '/segments/{id}/contacts': { get: { summary: 'The contacts of a segment, in id order', tags: ['segments'], parameters: [id, ...page], responses: { '200': contactsPage, ...errors } } },
  '/campaigns': {
    get: { summary: 'Every campaign, newest first', tags: ['campaigns'], responses: { '200': json({ type: 'object', properties: { campaigns: { type: 'array', items: campaign } } }), ...errors } },
    post: {
      summary: 'A draft campaign (segmentId and/or filter; the filter is copied)',
      tags: ['campaigns'],
      requestBody: body({ type: 'object', required: ['name', 'inboxIds', 'content'], properties: { name: { type: 'string' }, segmentId: { type: 'integer' }, filter, inboxIds: { type: 'array', items: { type: 'integer' } }, content } }),
      responses: { '201': campaignOnly, ...errors },
    },
  },
  '/campaigns/{id}': {
    get: { summary: 'A campaign and its delivery report (overall and per channel)', tags: ['campaigns'], parameters: [id], responses: { '200': json({ type: 'object', properties: { campaign, report: { ...figures, properties: { ...(figures.properties as object), byChannel: { type: 'object', additionalProperties: figures } } } } }), ...errors } },
    patch: { summary: 'Edit a draft', tags: ['campaigns'], parameters: [id], requestBody: body({ type: 'object', properties: { name: { type: 'string' }, segmentId: nullable('integer'), filter, inboxIds: { type: 'array', items: { type: 'integer' } }, content } }), responses: { '200': campaignOnly, ...transition } },
  },
  '/campaigns/{id}/preview': {
    get: {
      summary: 'Before sending: per channel, how many get it at once (reachable), later (the channel’s next allowed time) and why the others cannot (skipped by reason)',
      tags: ['campaigns'],
      parameters: [id],
      responses: { '200': json({ type: 'object', properties: { total: { type: 'integer' }, contacts: { type: 'integer' }, channels: { type: 'object', additionalProperties: { type: 'object', properties: { reachable: { type: 'integer' }, later: { type: 'integer' }, skipped: counts } } } } }), ...errors },
    },
  },
  '/campaigns/{id}/send': { post: { summary: 'Send a draft now, or at `at`', tags: ['campaigns'], parameters: [id], requestBody: body({ type: 'object', properties: { at: { type: 'string' } } }), responses: { '200': campaignOnly, ...transition } } },
  '/campaigns/{id}/cancel': { post: { summary: 'Cancel (draft, scheduled or sending): recipients not yet posted are skipped with reason `cancelled`', tags: ['campaigns'], parameters: [id], responses: { '200': campaignOnly, ...transition } } },
  '/campaigns/{id}/recipients': {
    get: {
      summary: 'A campaign’s recipients with their fate, in row order',
      tags: ['campaigns'],
      parameters: [id, { name: 'status', in: 'query', schema: { enum: ['skipped', 'waiting', 'queued', 'sent', 'delivered', 'failed', 'unknown'] } }, ...page],
      responses: {
        '200': json({
          type: 'object',
          properties: {
            recipients: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, contactId: { type: 'integer' }, contactName: nullable('string'), inboxId: { type: 'integer' }, channel: channelEnum, status: { type: 'string' }, reason: nullable('string'), notBefore: nullable('string'), sentAt: nullable('string'), repliedAt: nullable('string') } } },
            nextCursor: nullable('string'),
          },
        }),
        ...errors,
      },
    },
  },
};
