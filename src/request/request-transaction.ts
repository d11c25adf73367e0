import type { PoolClient, QueryResult } from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';
import { traceStatement, tracingEnabled } from '../observability/tracing';

/** The plain role every request runs as, so Row Level Security applies whoever DATABASE_URL names. */
export const APP_ROLE = 'clinic_catalog_app';

export interface TransactionLimits {
  statementTimeoutMs: number;
}

/**
 * One request's database work: a single transaction on one pooled connection, running as the
 * application role with transaction-local settings only (safe behind a transaction-pooling
 * PgBouncer). Everything a request reads or writes goes through `query`, which also counts
 * statements for the N+1 tests and the benchmark.
 */
export class RequestTransaction {
  statementCount = 0;
  private finished = false;
  private savepoints = 0;
  private pending: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly runner: QueryRunner,
    /** The runner's pg client: statements go to it directly (TypeORM's wrapper costs more than it gives here). */
    private readonly client: PoolClient,
  ) {}

  /**
   * BEGIN plus the role and limits in one round trip. `app.platform` starts 'on' so the viewer's
   * tenant can be resolved; `enterOrganization` turns it off.
   */
  static async begin(dataSource: DataSource, limits: TransactionLimits): Promise<RequestTransaction> {
    const runner = dataSource.createQueryRunner();
    const tx = new RequestTransaction(runner, (await runner.connect()) as PoolClient);
    const timeout = String(Math.trunc(limits.statementTimeoutMs));
    try {
      // Constants only (no client input), so the simple protocol's multi-statement form is safe.
      await tx.query(
        `BEGIN; SELECT set_config('role', '${APP_ROLE}', true), set_config('statement_timeout', '${timeout}', true),` +
          ` set_config('idle_in_transaction_session_timeout', '${timeout}', true), set_config('app.platform', 'on', true)`,
      );
    } catch (error) {
      await tx.release(error as Error);
      throw error;
    }
    return tx;
  }

  async query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]> {
    if (this.finished) throw new Error('query after the request transaction finished');
    this.statementCount += 1;
    // Resolvers run side by side but share one connection: statements go one after another
    // (pg deprecates overlapping queries on a client).
    // Traced (text with placeholders, never the values) only when tracing is on.
    const run = this.pending.then(() => (tracingEnabled() ? traceStatement(sql, () => this.client.query(sql, params)) : this.client.query(sql, params)));
    this.pending = run.catch(() => undefined);
    // Several statements in one simple query (BEGIN; SELECT …) answer one result each: the last counts.
    const result = (await run) as QueryResult | QueryResult[];
    return (Array.isArray(result) ? result[result.length - 1].rows : result.rows) as T[];
  }

  /** Runs `work` so that its failure undoes exactly its own writes (one mutation of several). */
  async savepoint<T>(work: () => Promise<T>): Promise<T> {
    const name = `mutation_${++this.savepoints}`;
    await this.query(`SAVEPOINT ${name}`);
    try {
      const result = await work();
      await this.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      await this.query(`ROLLBACK TO SAVEPOINT ${name}`);
      throw error;
    }
  }

  async commit(): Promise<void> {
    if (this.finished) return;
    try {
      await this.query('COMMIT');
    } catch (error) {
      await this.release(error as Error);
      throw error;
    }
    await this.release();
  }

  async rollback(): Promise<void> {
    if (this.finished) return;
    try {
      await this.query('ROLLBACK');
      await this.release();
    } catch (error) {
      await this.release(error as Error);
    }
  }

  /** A connection whose transaction failed abnormally is destroyed rather than reused. */
  private async release(error?: Error): Promise<void> {
    this.finished = true;
    // TypeORM's public release() cannot pass the error on to pg-pool, which then discards the client.
    await (this.runner as unknown as { releasePostgresConnection(err?: Error): Promise<void> }).releasePostgresConnection(error);
  }
}
