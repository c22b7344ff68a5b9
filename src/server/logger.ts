import pino, { type Logger } from 'pino';
import { isSecretField } from '../secrets/secret-fields';

/**
 * Structured JSON logs that cannot carry a secret by accident:
 * 1. every field whose name says secret (`isSecretField`: token, secret, password,
 *    verifier, api key… — `verifyToken`, `oaSecretKey`, `identitySecret`, `csrfToken`,
 *    `codeVerifier`, `bot.secret`) or that holds credentials without saying so (below) is
 *    replaced by "[redacted]" at any depth — in the logged object, in child bindings and
 *    inside logged errors;
 * 2. text (messages, string fields, error messages and stacks) loses the value of
 *    `…token=`/`…secret=`/`…password=`-like URL parameters and `"…token": "…"`-like JSON
 *    members, `Bearer` credentials and the password of `scheme://user:password@host`.
 * A copy is made only when something had to go, so the usual small log object costs one
 * walk. Only plain objects, arrays and errors are walked (pino prints nothing deeper than
 * 5 levels); other class instances should not be logged whole.
 */
const CREDENTIAL_FIELDS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'databaseurl', 'database_url', 'redisurl', 'redis_url', 'appsecret_proof', 'proof']);
export const REDACTED = '[redacted]';
const MAX_DEPTH = 10;

export function isRedactedField(name: string): boolean {
  return isSecretField(name) || CREDENTIAL_FIELDS.has(name.toLowerCase());
}

const SECRET_PARAM = /([?&;,\s"']|^)([\w.-]*(?:token|secret|passw(?:or)?d|proof|verifier|api[-_]?key|signature)[\w.-]*)=([^&\s"',;#]+)/gi;
const SECRET_JSON = /("[\w.-]*(?:token|secret|passw(?:or)?d|proof|verifier|api[-_]?key)[\w.-]*"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;
const BEARER = /\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi;
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^/?#@\s:]*:)[^/?#@\s]*@/gi;

/** Text without credential values (see the module comment). */
export function scrubText(text: string): string {
  if (!/[=@:]|bearer|basic/i.test(text)) return text;
  return text
    .replace(SECRET_PARAM, `$1$2=${REDACTED}`)
    .replace(SECRET_JSON, `$1"${REDACTED}"`)
    .replace(BEARER, `$1 ${REDACTED}`)
    .replace(URL_PASSWORD, `$1${REDACTED}@`);
}

/** `value` with every secret removed as described above; the same object when there was none. */
export function redactSecrets<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return scrubText(value) as T;
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) return '[too deep]' as T;
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    value.forEach((v, i) => {
      const r = redactSecrets(v, depth + 1);
      if (r !== v) (out ??= [...value])[i] = r;
    });
    return (out ?? value) as T;
  }
  if (value instanceof Error) return redactError(value, depth) as T;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  return redactFields(value as Record<string, unknown>, depth, () => ({ ...(value as Record<string, unknown>) })) as T;
}

function redactFields<O extends object>(obj: O, depth: number, copy: () => O): O {
  let out: O | null = null;
  for (const [k, v] of Object.entries(obj)) {
    const r = isRedactedField(k) && v !== null && v !== undefined ? REDACTED : redactSecrets(v, depth + 1);
    if (r !== v) ((out ??= copy()) as Record<string, unknown>)[k] = r;
  }
  return out ?? obj;
}

/** An error keeps its class (pino's serializer names it), message, stack and cause, all redacted. */
function redactError(err: Error, depth: number): Error {
  const message = scrubText(err.message);
  const stack = err.stack === undefined ? undefined : scrubText(err.stack);
  const cause = (err as { cause?: unknown }).cause === undefined ? undefined : redactSecrets((err as { cause?: unknown }).cause, depth + 1);
  const clone = () => {
    const c = Object.create(Object.getPrototypeOf(err) as object) as Error;
    Object.assign(c, err);
    for (const [k, v] of [['message', message], ['stack', stack], ['cause', cause]] as const) {
      if (v !== undefined) Object.defineProperty(c, k, { value: v, enumerable: false, writable: true, configurable: true });
    }
    return c;
  };
  const fields = redactFields(err, depth, clone);
  if (fields !== err) return fields;
  return message !== err.message || stack !== err.stack || cause !== (err as { cause?: unknown }).cause ? clone() : err;
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const logger = pino(
    {
      level,
      base: { service: 'omnigate' },
      hooks: {
        // Every argument of every call: the object, the message, interpolated values.
        logMethod(args, method) {
          method.apply(this, args.map((a) => redactSecrets(a)) as Parameters<typeof method>);
        },
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
  // Child bindings (channel, conversation…) are serialised once, at child(): redacted here
  // (pino's `formatters.bindings` reaches only the base ones). Children inherit this method.
  const child = logger.child;
  logger.child = function redactedChild(this: Logger, bindings, options) {
    return child.call(this, redactSecrets(bindings), options);
  } as typeof logger.child;
  return logger;
}

export type { Logger };
