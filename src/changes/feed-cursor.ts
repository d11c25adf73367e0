import { BadUserInputError } from '../errors';
import type { FeedPosition } from './catalog-event.repository';

/**
 * Cursors are plain positions (no secret, never expiring): [list, the organization or row they
 * belong to, transaction id, sequence]. One of another list, organization or row, or anything
 * malformed, is BAD_USER_INPUT on `after`.
 */
export function encodeCursor(list: string, owner: string, position: FeedPosition): string {
  return Buffer.from(JSON.stringify([list, owner, position.txId, position.seq])).toString('base64url');
}

export function decodeCursor(cursor: string, list: string, owner: string): FeedPosition {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(decoded) &&
      decoded.length === 4 &&
      decoded[0] === list &&
      decoded[1] === owner &&
      typeof decoded[2] === 'string' &&
      /^\d{1,19}$/.test(decoded[2]) &&
      BigInt(decoded[2]) < 2n ** 63n &&
      Number.isInteger(decoded[3]) &&
      decoded[3] >= 0 &&
      decoded[3] < 2 ** 31
    ) {
      return { txId: decoded[2], seq: decoded[3] };
    }
  } catch {
    // fall through: any undecodable cursor is the same client error
  }
  throw new BadUserInputError('after', 'after is not a cursor of this list; use an endCursor or edge cursor it returned');
}
