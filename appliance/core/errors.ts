/** Typed errors thrown by services; app.ts maps each once to an HTTP status and a French message. */
export type FieldErrors = Record<string, string>;

/** Base class: `code` is stable for scripts, `message` is French and shown as is by the UI. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldErrors,
  ) {
    super(message);
  }
}

export class Invalid extends AppError {
  constructor(message = "Données invalides.", fields?: FieldErrors) {
    super(422, "invalid", message, fields);
  }
}
export class Unauthorized extends AppError {
  constructor(message = "Authentification requise.", code = "unauthorized") {
    super(401, code, message);
  }
}
export class Forbidden extends AppError {
  constructor(message = "Vous n'avez pas les droits nécessaires pour cette action.", code = "forbidden") {
    super(403, code, message);
  }
}
export class NotFound extends AppError {
  constructor(message = "Élément introuvable.") {
    super(404, "not_found", message);
  }
}
export class Conflict extends AppError {
  constructor(message = "Conflit avec l'état actuel.", code = "conflict") {
    super(409, code, message);
  }
}
export class TooMany extends AppError {
  constructor(message = "Trop de tentatives, réessayez plus tard.", readonly retryAfterSeconds?: number) {
    super(429, "too_many", message);
  }
}

/** The JSON body every error response carries. */
export function errorBody(e: AppError) {
  return { error: { code: e.code, message: e.message, ...(e.fields ? { fields: e.fields } : {}) } };
}
