import type { PathItem, Schema } from './openapi';

const err = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
const json = (schema: Schema) => ({ description: 'OK', content: { 'application/json': { schema } } });
const body = (schema: Schema) => ({ required: true, content: { 'application/json': { schema } } });
const id = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };
const common = { '400': err('invalid input'), '401': err('not signed in'), '404': err('not found, or no conversation in an inbox of yours') };
const supervisors = { '400': err('invalid input'), '401': err('not signed in'), '403': err('supervisors and admins only') };
const nullable = (type: string) => ({ type: [type, 'null'] });

/** The contact as every contacts, segments and campaigns route returns it (docs/contacts-campaigns-api.md). */
export const contactSchema: Schema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: nullable('string'),
    phone: nullable('string'),
    phoneE164: nullable('string'),
    phoneVerified: { type: 'boolean' },
    email: nullable('string'),
    emailVerified: { type: 'boolean' },
    avatarUrl: nullable('string'),
    notes: nullable('string'),
    labels: { type: 'array', items: { type: 'string' } },
    attributes: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
    channels: { type: 'array', items: { enum: ['widget', 'messenger', 'zalo'] } },
    lastActivityAt: nullable('string'),
    createdAt: { type: 'string' },
    mergedIntoId: nullable('integer'),
  },
};
const contact = { $ref: '#/components/schemas/ContactRecord' };
const merge = {
  type: 'object',
  properties: { id: { type: 'integer' }, survivorId: { type: 'integer' }, mergedId: { type: 'integer' }, mergedName: nullable('string'), reason: { enum: ['agent', 'auto'] }, agentId: nullable('integer'), createdAt: { type: 'string' }, undoneAt: nullable('string') },
};
const reasons = { type: 'array', items: { enum: ['phone', 'email'] } };
const limit = (max: number) => ({ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: max, default: 50 } });

export const contactPaths: Record<string, PathItem> = {
  '/contacts': {
    get: {
      summary: 'Contacts (not merged), newest activity first; q finds a name with or without diacritics, a phone in any format, an e-mail',
      tags: ['contacts'],
      parameters: [
        { name: 'q', in: 'query', schema: { type: 'string' } },
        { name: 'label', in: 'query', schema: { type: 'string' } },
        { name: 'channel', in: 'query', schema: { enum: ['widget', 'messenger', 'zalo'] } },
        limit(200),
        { name: 'cursor', in: 'query', schema: { type: 'string' } },
      ],
      responses: { '200': json({ type: 'object', properties: { contacts: { type: 'array', items: contact }, nextCursor: nullable('string') } }), ...common },
    },
  },
  '/contacts/export.csv': { get: { summary: 'Every contact as CSV (UTF-8 with BOM; formulas neutralised): id, name, phone, email, labels, channels, notes, last_activity_at, attr.*', tags: ['contacts'], responses: { '200': { description: 'text/csv' }, ...supervisors } } },
  '/contacts/import': {
    post: {
      summary: 'Import contacts from CSV (name, phone, email, labels `;`-separated, notes, attr.<key>); a row matching a contact by phone or e-mail updates it; at most 5 MB / 10,000 rows',
      tags: ['contacts'],
      requestBody: { required: true, content: { 'text/csv': { schema: { type: 'string' } } } },
      responses: { '200': json({ type: 'object', properties: { created: { type: 'integer' }, updated: { type: 'integer' }, rejected: { type: 'array', items: { type: 'object', properties: { line: { type: 'integer' }, reason: { type: 'string' } } } } } }), ...supervisors, '413': err('larger than 5 MB') },
    },
  },
  '/contacts/{id}': {
    get: {
      summary: 'A contact with its identities, conversations across channels (newest first) and merges',
      tags: ['contacts'],
      parameters: [id],
      responses: { '200': json({ type: 'object', properties: { contact, identities: { type: 'array' }, conversations: { type: 'array' }, merges: { type: 'array', items: merge } } }), ...common },
    },
    patch: {
      summary: 'Edit a contact: name, phone (normalised to E.164), email, phoneVerified, emailVerified, notes, labels (≤ 50 of ≤ 64 characters), attributes (flat; null removes a key), avatarUrl',
      tags: ['contacts'],
      parameters: [id],
      requestBody: body({ type: 'object' }),
      responses: { '200': json({ type: 'object', properties: { contact } }), ...common },
    },
  },
  '/contacts/{id}/timeline': {
    get: {
      summary: 'Every message of every conversation of the contact across channels, newest first',
      tags: ['contacts'],
      parameters: [id, { name: 'before', in: 'query', schema: { type: 'integer' } }, limit(200)],
      responses: { '200': json({ type: 'object', properties: { messages: { type: 'array' }, nextBefore: nullable('integer') } }), ...common },
    },
  },
  '/contacts/{id}/merge-suggestions': {
    get: { summary: 'Other contacts sharing a verified phone or e-mail with this one', tags: ['contacts'], parameters: [id], responses: { '200': json({ type: 'object', properties: { suggestions: { type: 'array', items: { type: 'object', properties: { contact, reasons } } } } }), ...common } },
  },
  '/contacts/{id}/merge': {
    post: {
      summary: 'Merge contact otherId into this one (identities and conversations move; blanks filled; labels united; attributes: this one wins); logged and reversible',
      tags: ['contacts'],
      parameters: [id],
      requestBody: body({ type: 'object', required: ['otherId'], properties: { otherId: { type: 'integer' } } }),
      responses: { '200': json({ type: 'object', properties: { merge, contact } }), ...common },
    },
  },
  '/contact-merge-suggestions': {
    get: { summary: 'Every pair of contacts sharing a verified phone or e-mail', tags: ['contacts'], parameters: [limit(200)], responses: { '200': json({ type: 'object', properties: { suggestions: { type: 'array', items: { type: 'object', properties: { a: contact, b: contact, reasons } } } } }), ...common } },
  },
  '/contact-merges/{id}/undo': {
    post: { summary: 'Undo a merge: the merged contact gets back its identities, conversations and profile, the survivor its profile of before', tags: ['contacts'], parameters: [id], responses: { '200': json({ type: 'object', properties: { contact, restored: contact } }), ...common, '409': err('already undone, or a later merge of these contacts stands') } },
  },
};
