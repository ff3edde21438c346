/** Errors the purge engine raises to its callers. */

export type PurgeInputErrorCode =
  | 'PURGE_NO_URLS'
  | 'PURGE_TOO_MANY_URLS'
  | 'PURGE_BAD_URL'
  | 'PURGE_BAD_REQUEST';

/** The caller passed something accept() cannot take (the intake should have caught it). */
export class PurgeInputError extends Error {
  override readonly name = 'PurgeInputError';

  constructor(
    readonly code: PurgeInputErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** An id could not be drawn without collisions after several tries (the id space is nearly full). */
export class PurgeIdExhaustedError extends Error {
  override readonly name = 'PurgeIdExhaustedError';
  readonly code = 'PURGE_ID_EXHAUSTED';
}

/** Stored data did not have the expected shape. */
export class PurgeDataError extends Error {
  override readonly name = 'PurgeDataError';
  readonly code = 'PURGE_DATA_INVALID';
}
