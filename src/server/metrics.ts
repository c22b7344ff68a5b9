import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DomainEvent } from '../core/domain-events';

/** Prometheus metrics exposed at GET /metrics; one registry per gateway (tests run several). */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly messagesIn = new Counter({ name: 'omnigate_messages_in_total', help: 'Contact messages stored', labelNames: ['channel'], registers: [this.registry] });
  readonly messagesOut = new Counter({ name: 'omnigate_messages_out_total', help: 'Bot/agent/system messages stored for sending', labelNames: ['channel', 'sender'], registers: [this.registry] });
  readonly sendResults = new Counter({ name: 'omnigate_send_results_total', help: 'Outbound delivery results', labelNames: ['channel', 'status'], registers: [this.registry] });
  readonly duplicates = new Counter({ name: 'omnigate_inbound_duplicates_total', help: 'Inbound platform retries ignored', labelNames: ['channel'], registers: [this.registry] });
  readonly inboundPaths = new Counter({ name: 'omnigate_inbound_path_total', help: 'Contact messages stored by the one-statement fast path or the general path', labelNames: ['path'], registers: [this.registry] });
  readonly errors = new Counter({ name: 'omnigate_errors_total', help: 'Errors by code', labelNames: ['code'], registers: [this.registry] });
  readonly pipelineSeconds = new Histogram({
    name: 'omnigate_pipeline_seconds',
    help: 'Time to store one inbound event (validation to commit)',
    labelNames: ['channel'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** After-commit listener keeping the counters. */
  readonly onEvent = (event: DomainEvent): void => {
    if (event.type === 'message.received') this.messagesIn.inc({ channel: event.channel });
    else if (event.type === 'message.sent' && !event.message.private) this.messagesOut.inc({ channel: event.channel, sender: event.message.senderType });
    else if (event.type === 'message.status_changed') this.sendResults.inc({ channel: event.channel, status: event.status });
  };
}
