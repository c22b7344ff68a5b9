import type { Router } from 'express';
import { createGateway, type Gateway } from '../../src/server/gateway';
import { botDecisionRoute, botDecisionPaths } from '../../bots/webhook/decision-route';
import { testDatabases } from '../support/databases';
import { testConfig } from '../support/test-config';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every (method, path) the API router serves, found by walking Express's router stack. */
function routesOf(router: Router): string[] {
  const out: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) for (const m of Object.keys(layer.route.methods)) out.push(`${m.toUpperCase()} ${layer.route.path.replace(/:(\w+)/g, '{$1}')}`);
      else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((router as unknown as { stack: Layer[] }).stack);
  return [...new Set(out)].sort();
}

const [database] = testDatabases();

describe('OpenAPI document', () => {
  let gw: Gateway;
  beforeAll(async () => {
    const { store } = await database!.open();
    gw = await createGateway({
      config: testConfig(),
      store,
      channels: [],
      mount: (g) => {
        g.api.router.use(botDecisionRoute({ inboxOf: async () => null, targetOf: async () => null, apply: async () => false }));
        g.api.describe(botDecisionPaths);
      },
    });
  });
  afterAll(async () => gw?.close());

  test('describes exactly the routes the API serves', () => {
    const served = routesOf(gw.api.router);
    const described = Object.entries(gw.api.openapi.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`)).sort();
    expect(served.length).toBeGreaterThan(20);
    expect(described).toEqual(served);
  });

  test('is served at /api/v1/openapi.json as OpenAPI 3.1 with an error schema', async () => {
    const url = await gw.listen();
    const doc = (await (await fetch(`${url}/api/v1/openapi.json`)).json()) as { openapi: string; components: { schemas: Record<string, unknown> } };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.schemas.Error).toBeDefined();
  });
});
