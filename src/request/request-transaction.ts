import { Query, type PoolClient, type QueryResult } from 'pg';
import { QueryResult as TypeormQueryResult, type DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { sqlState } from '../db/errors';
import { ConcurrentChangeError } from '../errors';
import type { Logger } from '../logger';
import { traceStatement, tracingEnabled } from '../observability/tracing';

/** The plain role every request runs as, so Row Level Security applies whoever DATABASE_URL names. */
export const APP_ROLE = 'clinic_catalog_app';

export interface TransactionLimits {
  statementTimeoutMs: number;
}

/**
 * Opens the tenancy registry (organizations, tenants) to the transaction: Row Level Security lets
 * `app.platform = 'on'` read every organization, never the catalogue. The one place it is turned
 * on, for platform administrators' requests (and the demo seeder, which provisions as one).
 */
export const OPEN_TENANCY_REGISTRY = "set_config('app.platform', 'on', true)";

/** Deadlock and serialization failure: the work lost to a concurrent transaction, safe to run again. */
const CONCURRENCY_FAILURES = new Set(['40P01', '40001']);

/** PostgreSQL answered COMMIT with ROLLBACK: a statement had failed and aborted the transaction. */
class CommitRolledBackError extends Error {
  constructor() {
    super('COMMIT was answered ROLLBACK: the transaction had been aborted and was rolled back');
  }
}

/**
 * One request's database work: a single transaction on one pooled connection, running as the
 * application role with transaction-local settings only (safe behind a transaction-pooling
 * PgBouncer). Everything a request reads or writes goes through `query`, which also counts
 * statements for the N+1 tests and the benchmark.
 */
export class RequestTransaction {
  statementCount = 0;
  /** A deadlock or serialization failure met by any statement: the whole operation is worth retrying. */
  conflicted = false;
  private finished = false;
  /**
   * BEGIN and the transaction's settings, not sent yet: they go in front of the first statement, in
   * its round trip (every request then costs one round trip less). Null once sent.
   */
  private opening: string[] | null;
  private savepoints = 0;
  private pending: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly runner: QueryRunner,
    /** The runner's pg client: statements go to it directly (TypeORM's wrapper costs more than it gives here). */
    private readonly client: PoolClient,
    opening: string[],
  ) {
    this.opening = opening;
    this.takeTypeormStatements();
  }

  /**
   * The request's EntityManager, on the transaction's one connection with its settings: the
   * repositories' TypeORM query builders run through it, and their statements take the same way
   * as `query` (counted, one at a time).
   */
  get manager(): EntityManager {
    return this.runner.manager;
  }

  /**
   * A transaction on a pooled connection: BEGIN, the role and the limits go with its first statement.
   * The tenancy registry stays closed unless `platform` (a platform administrator's request); a
   * tenant is entered through `enter_tenant`.
   */
  static async begin(dataSource: DataSource, limits: TransactionLimits, options: { platform?: boolean } = {}): Promise<RequestTransaction> {
    const runner = dataSource.createQueryRunner();
    const timeout = String(Math.trunc(limits.statementTimeoutMs));
    // Constants only (no client input).
    const settings =
      `SELECT set_config('role', '${APP_ROLE}', true), set_config('statement_timeout', '${timeout}', true),` +
      ` set_config('idle_in_transaction_session_timeout', '${timeout}', true)${options.platform ? `, ${OPEN_TENANCY_REGISTRY}` : ''}`;
    return new RequestTransaction(runner, (await runner.connect()) as PoolClient, ['BEGIN', settings]);
  }

  async query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]> {
    return (await this.send(sql, params)).rows as T[];
  }

  private async send(sql: string, params?: unknown[]): Promise<QueryResult> {
    if (this.finished) throw new Error('query after the request transaction finished');
    this.statementCount += 1;
    const opening = this.opening;
    this.opening = null;
    // Resolvers run side by side but share one connection: statements go one after another
    // (pg deprecates overlapping queries on a client).
    // Traced (text with placeholders, never the values) only when tracing is on.
    const text = opening ? [...opening, sql].join('; ') : sql;
    const send = () => (opening ? this.sendAfter(opening, sql, params) : (this.client.query(sql, params) as unknown as Promise<QueryResult>));
    const run = this.pending.then(() => (tracingEnabled() ? traceStatement(text, send) : send()));
    this.pending = run.catch(() => undefined);
    try {
      return await run;
    } catch (error) {
      if (!CONCURRENCY_FAILURES.has(sqlState(error) ?? '')) throw error;
      this.conflicted = true;
      throw new ConcurrentChangeError({ cause: error });
    }
  }

  /**
   * `sql` with the opening statements in front, in one round trip; answers `sql`'s result. Without
   * parameters the simple protocol takes them all as one text; with parameters the extended
   * protocol pipelines each statement's Parse, Bind and Execute before a single Sync (the
   * parameters stay out of the text).
   */
  private async sendAfter(opening: string[], sql: string, params?: unknown[]): Promise<QueryResult> {
    const results = params?.length
      ? await new Promise<QueryResult[]>((resolve, reject) => {
          this.client.query(new PipelinedQuery(opening, sql, params, (error, answer) => (error ? reject(error) : resolve(answer))));
        })
      : ((await this.client.query([...opening, sql].join('; '))) as unknown as QueryResult[]);
    return results[results.length - 1];
  }

  /**
   * TypeORM's statements on this runner go through `send`, answered in the shape its
   * PostgresQueryRunner gives (records, affected; raw as its builders read it). The runner counts
   * as inside a transaction, so TypeORM never sends a BEGIN or COMMIT of its own.
   */
  private takeTypeormStatements(): void {
    (this.runner as { isTransactionActive: boolean }).isTransactionActive = true;
    this.runner.query = (async (sql: string, params?: unknown[], structured = false) => {
      const result = await this.send(sql, params);
      const raw = result.command === 'UPDATE' || result.command === 'DELETE' ? [result.rows, result.rowCount] : result.rows;
      return structured ? Object.assign(new TypeormQueryResult(), { records: result.rows, affected: result.rowCount ?? undefined, raw }) : raw;
    }) as QueryRunner['query'];
  }

  /**
   * Runs `work` so that its failure undoes exactly its own writes (one mutation of several). When
   * the savepoint cannot be rolled back to (the connection died), that is logged and the caller
   * still gets `work`'s own error: the transaction is then aborted and its commit refused.
   */
  async savepoint<T>(log: Logger, work: () => Promise<T>): Promise<T> {
    const name = `mutation_${++this.savepoints}`;
    await this.query(`SAVEPOINT ${name}`);
    let result: T;
    try {
      result = await work();
    } catch (error) {
      await this.query(`ROLLBACK TO SAVEPOINT ${name}`).catch((rollbackError: unknown) => {
        log.error({ err: rollbackError, failure: (error as Error).message }, 'rollback to savepoint failed');
      });
      throw error;
    }
    await this.query(`RELEASE SAVEPOINT ${name}`);
    return result;
  }

  /**
   * Commits, or throws: PostgreSQL answers COMMIT on an aborted transaction with ROLLBACK and no
   * error, so the answer is checked. A deadlock or serialization failure while committing throws
   * a ConcurrentChangeError (and sets `conflicted`).
   */
  async commit(): Promise<void> {
    if (this.finished) return;
    // Nothing was sent: there is no transaction to end.
    if (this.opening) return this.release();
    let answer: QueryResult;
    try {
      answer = await this.send('COMMIT');
    } catch (error) {
      await this.release(error as Error);
      throw error;
    }
    await this.release();
    if (answer.command !== 'COMMIT') throw new CommitRolledBackError();
  }

  async rollback(): Promise<void> {
    if (this.finished) return;
    if (this.opening) return this.release();
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

/** The parts of pg's Query (and its connection) that `PipelinedQuery` extends; pg's typings leave them out. */
interface ExtendedProtocol {
  parse(message: { text: string }): void;
  bind(message: object): void;
  describe(message: { type: 'P'; name: string }): void;
  execute(message: object): void;
}

/**
 * A parameterized statement preceded by parameterless ones in one extended-protocol round trip: each
 * of `before` is parsed, bound, described and executed, then the statement itself, then one Sync.
 * pg's Query collects one result per statement; the callback gets them all.
 */
class PipelinedQuery extends Query {
  constructor(
    private readonly before: string[],
    text: string,
    values: unknown[],
    callback: (error: Error | undefined, results: QueryResult[]) => void,
  ) {
    super({ text, values }, callback as never);
  }

  prepare(connection: ExtendedProtocol): void {
    for (const text of this.before) {
      connection.parse({ text });
      connection.bind({});
      connection.describe({ type: 'P', name: '' });
      connection.execute({});
    }
    (Query.prototype as unknown as { prepare(connection: ExtendedProtocol): void }).prepare.call(this, connection);
  }
}
