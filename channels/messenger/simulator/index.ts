/** The Messenger simulator: a fake Graph API server and Meta-style signed webhooks. */
export { startFakeGraph, type FakeGraph, type FakeGraphOptions, type FakeUser, type RecordedCall } from './fake-graph-server';
export type { GraphFailureSpec } from './send-api-check';
export { deliveryItem, echoItem, echoOfSent, envelope, metaJson, postbackItem, readItem, signedWebhook, signWebhook, textItem, type WebhookTarget } from './webhooks';
