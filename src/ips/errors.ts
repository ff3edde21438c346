/** Typed IPS errors. The client never retries; callers branch on these classes and fields. */

export type IpsFaultKind = 'authentication' | 'authorization' | 'ipsApi';

/** Fault code names from the IPS reference (faults section). */
export const IPS_FAULT_CODE_NAMES: Readonly<Record<number, string>> = {
  10000: 'NO_CREDENTIALS',
  10001: 'INVALID_CREDENTIALS',
  10002: 'INVALID_USER',
  20000: 'INVALID_COMPANY',
  20001: 'INVALID_REQUEST_USERNAME',
  20002: 'INVALID_REQUEST_USER',
  20003: 'NO_OPERATION_PERMISSION',
  20004: 'NO_IMPERSONATION_PERMISSION',
  20005: 'ILLEGAL_PARAMETER_VALUE',
  20006: 'ILLEGAL_COMPANY',
  20007: 'ILLEGAL_REQUEST_USER',
  20008: 'ILLEGAL_ACCESS_GROUP',
  20009: 'MISSING_PERMISSION',
  30000: 'EXCEPTION',
  30001: 'INVALID_PARAMETER',
  30002: 'MISSING_PARAMETER',
  30003: 'INVALID_REQUEST_XML',
};

export abstract class IpsError extends Error {
  abstract readonly code: string | number;
  /** The IPS operation that failed. */
  readonly operation: string;

  constructor(operation: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.operation = operation;
  }
}

/** A SOAP Fault answered by IPS, whatever the HTTP status. Final: never retried as is. */
export class IpsFault extends IpsError {
  override readonly name = 'IpsFault';
  readonly kind: IpsFaultKind;
  readonly code: number;
  /** IPS's own reason text, e.g. "Invalid username/password". */
  readonly reason: string;
  /** Name of the code from the reference table, or `UNKNOWN`. */
  readonly codeName: string;
  readonly httpStatus: number;

  constructor(operation: string, kind: IpsFaultKind, code: number, reason: string, httpStatus: number) {
    const codeName = IPS_FAULT_CODE_NAMES[code] ?? 'UNKNOWN';
    super(operation, `IPS ${kind} fault ${code} ${codeName} on ${operation}: ${reason}`);
    this.kind = kind;
    this.code = code;
    this.reason = reason;
    this.codeName = codeName;
    this.httpStatus = httpStatus;
  }
}

export type IpsTransportErrorType = 'timeout' | 'connection' | 'http-status' | 'invalid-response';

/** IPS could not be reached or answered something that is not a SOAP reply. */
export class IpsTransportError extends IpsError {
  override readonly name = 'IpsTransportError';
  readonly code: string;
  readonly type: IpsTransportErrorType;
  /** True for network errors, timeouts and HTTP 5xx without a SOAP fault. */
  readonly retryable: boolean;
  readonly httpStatus: number | undefined;

  constructor(
    operation: string,
    type: IpsTransportErrorType,
    message: string,
    opts: { retryable: boolean; httpStatus?: number; code?: string; cause?: unknown },
  ) {
    super(operation, message, { cause: opts.cause });
    this.type = type;
    this.retryable = opts.retryable;
    this.httpStatus = opts.httpStatus;
    this.code = opts.code ?? `IPS_${type.toUpperCase().replace('-', '_')}`;
  }
}

/** The client refused the call before sending it (bad arguments such as 0 or >1000 URLs). */
export class IpsRequestError extends IpsError {
  override readonly name = 'IpsRequestError';
  readonly code = 'IPS_INVALID_REQUEST';
}
