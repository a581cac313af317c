// The logs' second line of defence (secrets never reach a log line by design): any value logged, or
// bound to a child logger, that carries one of these keys has it censored, one level down, as pino's
// `redact: ['*.password', ...]` would. Done here, not with pino's own `redact`: its engine
// (@pinojs/redact 0.4) parses every path again for every value it is handed, and a path starting with
// `*` hands it every value of every line and every child's bindings. With our ten paths that was 42 of
// the 47 µs a reconcile's logger costs without V8's optimising compilers (a child with four bindings and
// one line; 5 µs without it), paid by every reconcile, which makes a child even when it logs nothing.

/** Keys whose values never reach a log line: credentials, tokens, passwords, a Secret's data. */
export const REDACTED_KEYS: ReadonlySet<string> = new Set([
  'authorization',
  'Authorization',
  'token',
  'password',
  'accessKeyId',
  'secretAccessKey',
  'sessionToken',
  'credentials',
  'data',
  'stringData',
]);

export const CENSOR = '[redacted]';

/** `value` itself when it carries no redacted key; otherwise a copy of its own fields, those censored. */
export function censorSecrets(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of REDACTED_KEYS) {
    if (!Object.hasOwn(value, key)) continue;
    copy ??= { ...value };
    copy[key] = CENSOR;
  }
  return copy ?? value;
}

/**
 * A line's (or a child's bindings') fields with censorSecrets applied to each, and a request's
 * `req.headers.authorization`. The object is copied only when something is censored. `err` is left to
 * the error serializer (redactedErrorSerializer): censoring here would turn the Error into a plain
 * object before pino's serializer reads its type and stack.
 */
export function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const key in fields) {
    if (key === 'err' || !Object.hasOwn(fields, key)) continue;
    const value = fields[key];
    const censored = key === 'req' ? censorRequest(value) : censorSecrets(value);
    if (censored === value) continue;
    out ??= { ...fields };
    out[key] = censored;
  }
  return out ?? fields;
}

function censorRequest(req: unknown): unknown {
  const censored = censorSecrets(req);
  const headers = (censored as { headers?: unknown } | null)?.headers;
  const censoredHeaders = censorSecrets(headers);
  if (censoredHeaders === headers) return censored;
  return { ...(censored as Record<string, unknown>), headers: censoredHeaders };
}

/** An error serializer whose result (type, message, stack and the error's own fields) is censored too. */
export function redactedErrorSerializer(serialize: (err: Error) => unknown): (err: Error) => unknown {
  return (err) => censorSecrets(serialize(err));
}
