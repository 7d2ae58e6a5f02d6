/**
 * Errors with a stable `code`. Start-up errors carry the exit code the process should end with, so the one
 * place that handles them (main.ts) can print a clear message without a stack trace.
 */
export type ErrorCode =
  | 'settings_invalid'
  | 'dataset_missing'
  | 'dataset_invalid'
  | 'slack_auth_failed'
  | 'slack_unreachable'
  | 'store_unavailable';

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

/** The store did not answer (PostgreSQL down, connection cut, disk gone). Not fatal: the bot answers what it can. */
export class StoreUnavailableError extends Error {
  readonly code = 'store_unavailable';
  constructor(options?: { cause?: unknown }) {
    super('the store is unavailable', options);
    this.name = 'StoreUnavailableError';
  }
}
