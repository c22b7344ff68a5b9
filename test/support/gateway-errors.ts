import { GatewayError } from '../../src/core/errors';

/** The coded error a promise rejects with; fails the test when it resolves or rejects with anything else. */
export async function failureOf(p: Promise<unknown>): Promise<GatewayError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected the send to fail');
}
