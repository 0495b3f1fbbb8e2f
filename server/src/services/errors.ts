/**
 * Domain errors thrown by services. The tRPC layer maps them to typed error codes; the CLI prints
 * their message as its one-line reason. Nothing else is shown to users, so messages must be clear.
 */
export type ServiceErrorCode = 'NOT_FOUND' | 'CONFLICT' | 'BAD_REQUEST' | 'FORBIDDEN' | 'UNAUTHORIZED' | 'TOO_MANY_REQUESTS' | 'PRECONDITION_FAILED';

export class ServiceError extends Error {
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    /** Structured detail the client may show (e.g. guideline findings); must be safe to disclose. */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export const notFound = (what: string) => new ServiceError('NOT_FOUND', `${what} not found`);
export const conflict = (message: string) => new ServiceError('CONFLICT', message);
export const badRequest = (message: string) => new ServiceError('BAD_REQUEST', message);
