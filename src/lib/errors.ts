/**
 * One family of errors, each with a stable `code` and its `cause`. Start-up errors carry the exit code the process
 * ends with, so the one place that handles them (main.ts) prints a sentence, not a stack trace; the others are
 * turned into replies by the command path.
 */
export type ErrorCode =
  | 'settings_invalid'
  | 'dataset_missing'
  | 'dataset_invalid'
  | 'slack_auth_failed'
  | 'slack_unreachable'
  | 'store_unavailable'
  | 'store_unreachable'
  | 'store_failed'
  | 'admin_check_failed';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly exitCode: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }
}

/** A bad setting or data set: the operator must fix a file or a variable. Exit code 2. */
export class ConfigError extends AppError {
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, 2, options);
    this.name = 'ConfigError';
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/**
 * The store did not answer (PostgreSQL down, connection cut, disk gone). Not fatal: the bot answers what it can
 * from the data set and records nothing until the store is back.
 */
export class StoreUnavailableError extends AppError {
  constructor(options?: { cause?: unknown }) {
    super('store_unreachable', 'the store is unavailable', 1, options);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * The store answered, but the operation failed (a constraint, a bug): not an outage. The transaction rolled back,
 * so nothing changed; the user is told so, and the log has the code.
 */
export class StoreFailedError extends AppError {
  constructor(
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super('store_failed', `a store operation failed (${detail})`, 1, options);
    this.name = 'StoreFailedError';
  }
}

/** Slack could not say whether a user is a workspace admin (users.info failed, timed out or was rate limited). */
export class AdminCheckError extends AppError {
  constructor(options?: { cause?: unknown }) {
    super('admin_check_failed', 'could not confirm with Slack whether the user is an admin', 1, options);
    this.name = 'AdminCheckError';
  }
}
