/** Fetch wrapper for the Guichet API: relative `api/...` paths, JSON, CSRF + organisation headers, French errors. */

/** Field name → French message, as sent by the server in `error.fields`. */
export type FieldErrors = Record<string, string>;

/** An error answered by the API (or a network failure, status 0); `message` is French and shown as is. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldErrors = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/**
 * Headers state shared with session.ts (kept here so api.ts imports nothing and session.ts can import it).
 * `onUnauthorized` lets the session drop the user when a call answers 401 (expired session).
 */
export const apiState: { csrf: string | null; org: string | null; onUnauthorized: ((e: ApiError) => void) | null } = {
  csrf: null,
  org: null,
  onUnauthorized: null,
};

const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export interface CallOptions {
  /** Overrides the X-Guichet-Org header (null: none). */
  org?: string | null;
  /** Query string parameters; empty values are left out. */
  query?: Record<string, string | number | undefined | null>;
  /** Do not call `onUnauthorized` on 401 (login forms, boot probe). */
  quiet401?: boolean;
}

/** Relative URL so the UI works behind any prefix the page is served from. */
function url(path: string, query?: CallOptions["query"]) {
  const clean = path.replace(/^\/+/, "").replace(/^api\//, "");
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== "") qs.set(k, String(v));
  const s = qs.toString();
  return "api/" + clean + (s ? "?" + s : "");
}

/** Calls the API; resolves with the JSON body, throws ApiError with the server's French message. */
export async function call<T = any>(method: string, path: string, body?: unknown, opts: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (WRITES.has(method) && apiState.csrf) headers["x-csrf-token"] = apiState.csrf;
  const org = opts.org === undefined ? apiState.org : opts.org;
  if (org) headers["x-guichet-org"] = org;
  let res: Response;
  try {
    res = await fetch(url(path, opts.query), { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin" });
  } catch {
    throw new ApiError(0, "network", "Le Guichet ne répond pas : vérifiez la connexion réseau puis réessayez.");
  }
  const text = await res.text();
  let json: any = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (!res.ok) {
    const e = json?.error;
    const err = e?.message
      ? new ApiError(res.status, String(e.code ?? "error"), String(e.message), e.fields ?? {})
      : new ApiError(res.status, "http_" + res.status, `Le serveur a répondu par une erreur ${res.status}.`);
    if (res.status === 401 && !opts.quiet401) apiState.onUnauthorized?.(err);
    throw err;
  }
  return json as T;
}

/** GET with an optional query string. */
export const get = <T = any>(path: string, query?: CallOptions["query"], opts: CallOptions = {}) => call<T>("GET", path, undefined, { ...opts, query });
/** POST a JSON body. */
export const post = <T = any>(path: string, body: unknown = {}, opts?: CallOptions) => call<T>("POST", path, body, opts);
/** PATCH a JSON body. */
export const patch = <T = any>(path: string, body: unknown = {}, opts?: CallOptions) => call<T>("PATCH", path, body, opts);
/** PUT a JSON body. */
export const put = <T = any>(path: string, body: unknown = {}, opts?: CallOptions) => call<T>("PUT", path, body, opts);
/** DELETE. */
export const del = <T = any>(path: string, opts?: CallOptions) => call<T>("DELETE", path, undefined, opts);

/** True for an ApiError with this status (e.g. a 404 from a route another part has not built yet). */
export function isStatus(e: unknown, status: number): e is ApiError {
  return e instanceof ApiError && e.status === status;
}

/** Any thrown value as an ApiError, so the UI always has a French message to show. */
export function asApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  return new ApiError(0, "client", "Erreur inattendue dans l'interface : rechargez la page. (" + String((e as Error)?.message ?? e) + ")");
}
