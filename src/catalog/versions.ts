import { ConflictError } from '../errors';

/** Optimistic locking: a given `expectedVersion` must be the stored one, else nothing is written. */
export function expectVersion(stored: number, expected: number | null | undefined): void {
  if (expected !== null && expected !== undefined && expected !== stored) {
    throw new ConflictError(`The row is at version ${stored}, not ${expected}: someone changed it meanwhile; reload it and try again`, 'expectedVersion');
  }
}

/**
 * An update that would write the values already stored changes nothing: it neither raises the
 * version nor records an event. Values arrive normalised (trimmed text, two-place decimals), as
 * the database returns them.
 */
export function changesNothing<T extends object>(current: T, next: Partial<T>): boolean {
  return (Object.keys(next) as (keyof T)[]).every((field) => next[field] === current[field]);
}
