/**
 * The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json. Modules that
 * add routes (the FAQ bot, webhook bots) add their paths with `ApiRouter.describe`; a
 * test walks the router and fails when a route is missing here or described but absent.
 */
import { contactSchema } from './contact-paths';

export type Schema = Record<string, unknown>;
export interface Operation {
  summary: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: Schema[];
  requestBody?: Schema;
  responses: Record<string, Schema>;
}
export type PathItem = Partial<Record<'get' | 'post' | 'patch' | 'put' | 'delete', Operation>>;

const err = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
const json = (schema: Schema, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const body = (schema: Schema) => ({ required: true, content: { 'application/json': { schema } } });
const id = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const list = (name: string) => ({ type: 'object', properties: { items: { type: 'array', items: ref(name) } } });
const common = { '400': err('invalid input'), '401': err('not signed in'), '404': err('not found or not yours') };
const admin = { ...common, '403': err('requires the admin role') };

export function baseDocument(): { openapi: string; info: Schema; servers: Schema[]; paths: Record<string, PathItem>; components: Schema } {
  return {
    openapi: '3.1.0',
    info: { title: 'Omnigate API', version: '1', description: 'Agents, conversations and configuration of an Omnigate gateway. Errors are {"error":{"code","message"}}.' },
    servers: [{ url: '/api/v1' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, cookie: { type: 'apiKey', in: 'cookie', name: 'omnigate_session' } },
      schemas: {
        Error: { type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } }, required: ['code', 'message'] } } },
        Agent: { type: 'object', properties: { id: { type: 'integer' }, email: { type: 'string' }, name: { type: 'string' }, role: { enum: ['admin', 'supervisor', 'agent'] }, maxConversations: { type: 'integer' }, presence: { enum: ['online', 'away', 'offline'] } } },
        Team: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' }, memberIds: { type: 'array', items: { type: 'integer' } } } },
        Inbox: { type: 'object', properties: { id: { type: 'integer' }, channel: { enum: ['widget', 'messenger', 'zalo'] }, accountId: { type: 'string' }, name: { type: 'string' }, botEnabled: { type: 'boolean' }, teamId: { type: ['integer', 'null'] }, settings: { type: 'object' } } },
        CannedResponse: { type: 'object', properties: { id: { type: 'integer' }, shortCode: { type: 'string' }, content: { type: 'string' } } },
        ConversationSummary: {
          type: 'object',
          properties: { id: { type: 'integer' }, inboxId: { type: 'integer' }, channel: { type: 'string' }, status: { enum: ['bot', 'pending', 'open', 'snoozed', 'resolved'] }, contact: { type: 'object', properties: { id: { type: 'integer' }, name: { type: ['string', 'null'] } } }, assigneeId: { type: ['integer', 'null'] }, teamId: { type: ['integer', 'null'] }, lastMessageAt: { type: ['string', 'null'] }, unread: { type: 'integer' } },
        },
        Conversation: { type: 'object', description: 'ConversationSummary plus inboxName, contact details, createdAt, lastInboundAt, snoozedUntil, reopenCount, and replyWindow {canReply, closesAt, freeRepliesLeft, note} (null when the channel has no window), and surveys [{id, kind csat|nps, status sent|answered|not_sent, score, comment, agentId, teamId, sentAt, answeredAt, note}]' },
        Message: {
          type: 'object',
          properties: { id: { type: 'integer' }, direction: { enum: ['in', 'out'] }, senderType: { enum: ['contact', 'bot', 'agent', 'system'] }, senderId: { type: ['integer', 'null'] }, content: { type: 'object', properties: { type: { type: 'string' }, text: { type: 'string' } } }, private: { type: 'boolean' }, status: { type: 'string' }, error: { type: ['string', 'null'] }, createdAt: { type: 'string' } },
        },
        // The contact record of the contacts routes (src/api/contact-paths.ts).
        ContactRecord: contactSchema,
      },
    },
    paths: {
      '/openapi.json': { get: { summary: 'This document', responses: { '200': json({ type: 'object' }) } } },
      '/auth/login': {
        post: {
          summary: 'Sign in; returns a bearer token and sets the session cookie',
          tags: ['auth'],
          requestBody: body({ type: 'object', required: ['email', 'password'], properties: { email: { type: 'string' }, password: { type: 'string' } } }),
          responses: { '200': json({ type: 'object', properties: { token: { type: 'string' }, agent: ref('Agent'), csrfToken: { type: 'string' } } }), '400': err('invalid input'), '401': err('wrong e-mail or password'), '429': err('too many attempts or locked') },
        },
      },
      '/auth/logout': { post: { summary: 'End this session', tags: ['auth'], responses: { '204': { description: 'signed out' }, '401': err('not signed in') } } },
      '/auth/me': { get: { summary: 'The signed-in agent and the CSRF token for cookie sessions', tags: ['auth'], responses: { '200': json({ type: 'object', properties: { agent: ref('Agent'), csrfToken: { type: 'string' } } }), '401': err('not signed in') } } },
      '/conversations': {
        get: {
          summary: 'Conversations the agent may see',
          tags: ['conversations'],
          parameters: [
            { name: 'status', in: 'query', schema: { enum: ['bot', 'pending', 'open', 'snoozed', 'resolved', 'all'] } },
            { name: 'inbox', in: 'query', schema: { type: 'integer' } },
            { name: 'team', in: 'query', schema: { type: 'integer' } },
            { name: 'assignee', in: 'query', schema: { oneOf: [{ enum: ['me', 'none'] }, { type: 'integer' }] } },
            { name: 'limit', in: 'query', schema: { type: 'integer', maximum: 500 } },
          ],
          responses: { '200': json(list('ConversationSummary')), ...common },
        },
      },
      '/conversations/{id}': { get: { summary: 'One conversation', tags: ['conversations'], parameters: [id], responses: { '200': json(ref('Conversation')), ...common } } },
      '/conversations/{id}/messages': {
        get: { summary: 'Its messages, oldest first', tags: ['conversations'], parameters: [id], responses: { '200': json(list('Message')), ...common } },
        post: { summary: 'Reply (or add a private note) as the signed-in agent', tags: ['conversations'], parameters: [id], requestBody: body({ type: 'object', required: ['text'], properties: { text: { type: 'string' }, private: { type: 'boolean' } } }), responses: { '201': json(ref('Message')), ...common, '409': err('resolved: reopen first') } },
      },
      '/conversations/{id}/messages/{messageId}/retry': {
        post: {
          summary: 'Send a failed message again, or an unknown one (the platform may have it) once its echo had 5 minutes to confirm it',
          tags: ['conversations'],
          parameters: [id, { name: 'messageId', in: 'path', required: true, schema: { type: 'integer' } }],
          responses: { '202': json(ref('Message')), ...common, '409': err('not failed/unknown, or an unknown message still within its 5 minutes') },
        },
      },
      '/conversations/{id}/attachments': {
        post: {
          summary: 'Send a file or image as the signed-in agent (raw body; type decided by content; X-Filename header)',
          tags: ['conversations'],
          parameters: [id, { name: 'X-Filename', in: 'header', schema: { type: 'string' } }],
          requestBody: { required: true, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
          responses: { '201': json(ref('Message')), ...common, '413': err('too large') },
        },
      },
      '/conversations/{id}/assign': {
        post: { summary: 'Assign or transfer to an agent and/or team', tags: ['conversations'], parameters: [id], requestBody: body({ type: 'object', properties: { agentId: { type: ['integer', 'null'] }, teamId: { type: ['integer', 'null'] }, note: { type: 'string' } } }), responses: { '200': json(ref('Conversation')), ...common, '409': err('invalid transition') } },
      },
      '/conversations/{id}/resolve': { post: { summary: 'Resolve', tags: ['conversations'], parameters: [id], responses: { '200': json(ref('Conversation')), ...common, '409': err('invalid transition') } } },
      '/conversations/{id}/reopen': { post: { summary: 'Reopen', tags: ['conversations'], parameters: [id], responses: { '200': json(ref('Conversation')), ...common, '409': err('invalid transition') } } },
      '/conversations/{id}/snooze': { post: { summary: 'Snooze until a time', tags: ['conversations'], parameters: [id], requestBody: body({ type: 'object', required: ['until'], properties: { until: { type: 'string', format: 'date-time' } } }), responses: { '200': json(ref('Conversation')), ...common, '409': err('invalid transition') } } },
      '/conversations/{id}/read': { post: { summary: 'Mark read up to a message', tags: ['conversations'], parameters: [id], requestBody: body({ type: 'object', required: ['lastReadId'], properties: { lastReadId: { type: 'integer' } } }), responses: { '204': { description: 'stored' }, ...common } } },
      '/agents': {
        get: { summary: 'Agents with their presence', tags: ['directory'], responses: { '200': json(list('Agent')), ...common } },
        post: { summary: 'Create an agent', tags: ['directory'], requestBody: body({ type: 'object', required: ['email', 'name', 'role', 'password'] }), responses: { '201': json(ref('Agent')), ...admin } },
      },
      '/agents/{id}': {
        patch: { summary: 'Change an agent', tags: ['directory'], parameters: [id], requestBody: body({ type: 'object' }), responses: { '200': json(ref('Agent')), ...admin } },
        delete: { summary: 'Delete an agent', tags: ['directory'], parameters: [id], responses: { '204': { description: 'deleted' }, ...admin } },
      },
      '/teams': {
        get: { summary: 'Teams (departments) with members', tags: ['directory'], responses: { '200': json(list('Team')), ...common } },
        post: { summary: 'Create a team', tags: ['directory'], requestBody: body({ type: 'object', required: ['name'] }), responses: { '201': json(ref('Team')), ...admin } },
      },
      '/teams/{id}': {
        patch: { summary: 'Rename or set members', tags: ['directory'], parameters: [id], requestBody: body({ type: 'object' }), responses: { '200': json(ref('Team')), ...admin } },
        delete: { summary: 'Delete a team', tags: ['directory'], parameters: [id], responses: { '204': { description: 'deleted' }, ...admin } },
      },
      '/inboxes': {
        get: { summary: 'Inboxes the agent belongs to (all for supervisors and admins); secrets shown as "[set]"', tags: ['directory'], responses: { '200': json(list('Inbox')), ...common } },
        post: { summary: 'Create an inbox (a website, Facebook Page or Zalo OA)', tags: ['directory'], requestBody: body(ref('Inbox')), responses: { '201': json(ref('Inbox')), ...admin } },
      },
      '/inboxes/{id}': {
        patch: { summary: 'Change an inbox; settings are merged', tags: ['directory'], parameters: [id], requestBody: body({ type: 'object' }), responses: { '200': json(ref('Inbox')), ...admin } },
        delete: { summary: 'Delete an inbox without conversations', tags: ['directory'], parameters: [id], responses: { '204': { description: 'deleted' }, ...admin, '409': err('has conversations') } },
      },
      '/canned-responses': {
        get: { summary: 'Canned responses', tags: ['directory'], responses: { '200': json(list('CannedResponse')), ...common } },
        post: { summary: 'Create one', tags: ['directory'], requestBody: body(ref('CannedResponse')), responses: { '201': json(ref('CannedResponse')), ...admin } },
      },
      '/canned-responses/{id}': {
        patch: { summary: 'Change one', tags: ['directory'], parameters: [id], requestBody: body({ type: 'object' }), responses: { '200': json(ref('CannedResponse')), ...admin } },
        delete: { summary: 'Delete one', tags: ['directory'], parameters: [id], responses: { '204': { description: 'deleted' }, ...admin } },
      },
    },
  };
}
