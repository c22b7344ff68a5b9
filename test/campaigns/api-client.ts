import type { Gateway } from '../../src/server/gateway';
import { upsertAgent } from '../../src/store/repos/agents';

export type Caller = 'supervisor' | 'agent';

/** A gateway's API (listening at `listening`, else it is started here), signed in as a supervisor and as an agent (bearer tokens). */
export async function apiClient(gw: Gateway, listening?: string) {
  const url = listening ?? (await gw.listen());
  const tokens = {} as Record<Caller, string>;
  for (const role of ['supervisor', 'agent'] as const) {
    await upsertAgent(gw.db, { email: `${role}@anphat.vn`, name: role, role, password: 'password-123456' });
  }
  const login = async (role: Caller) => {
    const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `${role}@anphat.vn`, password: 'password-123456' }) });
    tokens[role] = ((await res.json()) as { token: string }).token;
  };
  for (const role of ['supervisor', 'agent'] as const) await login(role);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked by the tests
  const call = async (method: string, path: string, body?: unknown, who: Caller = 'supervisor', again = true): Promise<{ status: number; body: any }> => {
    const res = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens[who]}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    // The tests move the gateway's clock by hours: a session that expired meanwhile signs in again.
    if (res.status === 401 && again) {
      await login(who);
      return call(method, path, body, who, false);
    }
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  return call;
}
