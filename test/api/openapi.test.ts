import type { Router } from 'express';
import type { Gateway } from '../../src/server/gateway';
import { composeGateway } from '../../app/compose';
import { loadSettings } from '../../app/settings';
import { freshDataDir } from '../support/databases';

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

describe('OpenAPI document', () => {
  let gw: Gateway;
  beforeAll(async () => {
    // the whole application as composed: core routes plus those the FAQ and webhook bots add
    gw = await composeGateway(loadSettings({ DATA_DIR: await freshDataDir(), PORT: '0', LOG_LEVEL: 'silent' }));
  });
  afterAll(async () => gw?.close());

  test('describes exactly the routes the API serves', () => {
    const served = routesOf(gw.api.router);
    const described = Object.entries(gw.api.openapi.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`)).sort();
    expect(served.length).toBeGreaterThan(30);
    expect(served).toEqual(expect.arrayContaining(['GET /faq', 'POST /faq/import', 'POST /bot/decisions']));
    expect(described).toEqual(served);
  });

  test('is served at /api/v1/openapi.json as OpenAPI 3.1 with an error schema', async () => {
    const url = await gw.listen();
    const doc = (await (await fetch(`${url}/api/v1/openapi.json`)).json()) as { openapi: string; components: { schemas: Record<string, unknown> } };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.schemas.Error).toBeDefined();
  });
});
