/** PostgreSQL's SQLSTATE of a failed query: pg's error, or TypeORM's QueryFailedError wrapping one (migrations, health checks). */
export function sqlState(error: unknown): string | undefined {
  const candidate = error as { code?: unknown; driverError?: { code?: unknown } };
  const code = candidate?.driverError?.code ?? candidate?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isUniqueViolation(error: unknown): boolean {
  return sqlState(error) === '23505';
}

/** Runs `work`; a unique violation (a taken name or code, found up front or under a race) becomes `conflict`. */
export async function conflictWhenTaken<T>(conflict: Error, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict;
    throw error;
  }
}
