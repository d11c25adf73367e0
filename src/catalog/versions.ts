import { ConflictError } from '../errors';

/** Optimistic locking: a given `expectedVersion` must be the stored one, else nothing is written. */
export function expectVersion(stored: number, expected: number | null | undefined): void {
  if (expected !== null && expected !== undefined && expected !== stored) {
    throw new ConflictError(`The row is at version ${stored}, not ${expected}: someone changed it meanwhile; reload it and try again`, 'expectedVersion');
  }
}
