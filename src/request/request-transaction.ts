import { Query, type PoolClient, type QueryResult } from 'pg';
import { prepareValue } from 'pg/lib/utils';
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

/** One statement of a round trip, with its parameters (never in the text). */
interface Statement {
  text: string;
  values?: unknown[];
}

/**
 * One request's database work: a single transaction on one pooled connection, running as the
 * application role with transaction-local settings only (safe behind a transaction-pooling
 * PgBouncer). Everything a request reads or writes goes through `query`, which also counts
 * statements for the N+1 tests and the benchmark.
 *
 * An operation that only reads (a GraphQL query) may instead commit each statement as it goes
 * (`commitEachStatement`): each runs in a transaction of its own, opened with the same settings.
 */
export class RequestTransaction {
  statementCount = 0;
  /** A deadlock or serialization failure met by any statement: the whole operation is worth retrying. */
  conflicted = false;
  private finished = false;
  /**
   * A transaction is open on the connection: BEGIN went with an earlier statement, or a failed
   * statement left one aborted. While none is, the next statement carries BEGIN and the settings
   * in front of it, in its round trip.
   */
  private open = false;
  /** Each statement ends its transaction: COMMIT rides after it, in its round trip. */
  private commitsEachStatement = false;
  /** The organization the request was narrowed to, set again in each transaction opened after. */
  private organizationId: string | null = null;
  private savepoints = 0;
  private pending: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly runner: QueryRunner,
    /** The runner's pg client: statements go to it directly (TypeORM's wrapper costs more than it gives here). */
    private readonly client: PoolClient,
    /** The statement that sets the role and the limits (and opens the registry to a platform administrator). */
    private readonly settings: string,
  ) {
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
    return new RequestTransaction(runner, (await runner.connect()) as PoolClient, settings);
  }

  /**
   * The tenant's entry narrowed this transaction to `organizationId` (through `enter_tenant`): any
   * transaction the request opens after it is narrowed to the same organization.
   */
  narrowTo(organizationId: string): void {
    this.organizationId = organizationId;
  }

  /**
   * The operation only reads: from the next statement on, each commits in its own round trip and
   * the next opens a new transaction with the same settings and organization. Under READ COMMITTED
   * each statement reads its own snapshot anyway, so what the reads see is unchanged; the request
   * saves the closing COMMIT's round trip. Not for writes: their statements must commit together.
   */
  commitEachStatement(): void {
    this.commitsEachStatement = true;
  }

  async query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]> {
    return (await this.send(sql, params)).rows as T[];
  }

  /**
   * `sql` in its turn (resolvers run side by side but share one connection: pg deprecates
   * overlapping queries). Framed as `sendFramed` says, except COMMIT and ROLLBACK, which end the
   * open transaction themselves.
   */
  private async send(sql: string, params?: unknown[], framed = true): Promise<QueryResult> {
    if (this.finished) throw new Error('query after the request transaction finished');
    this.statementCount += 1;
    const run = this.pending.then(async () => (framed ? this.sendFramed(sql, params) : (await this.roundTrip({ text: sql, values: params }))[0]));
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
   * `sql` with BEGIN and the settings in front when no transaction is open, and COMMIT after it
   * when each statement commits, in one round trip; answers `sql`'s result.
   */
  private async sendFramed(sql: string, params?: unknown[]): Promise<QueryResult> {
    const statements = this.open ? [] : this.opening();
    const index = statements.push({ text: sql, values: params }) - 1;
    const commits = this.commitsEachStatement;
    if (commits) statements.push({ text: 'COMMIT' });
    // Until a COMMIT is answered, a transaction is open (or aborted by a failure, to be rolled back).
    this.open = true;
    const results = await this.roundTrip(...statements);
    if (commits) {
      if (results[results.length - 1].command !== 'COMMIT') throw new CommitRolledBackError();
      this.open = false;
    }
    return results[index];
  }

  /**
   * BEGIN (READ ONLY once each statement commits: a write there would fail, not commit alone), then
   * the role and the limits, and the organization once the request was narrowed to one.
   */
  private opening(): Statement[] {
    const narrowed = this.organizationId !== null;
    return [
      { text: this.commitsEachStatement ? 'BEGIN READ ONLY' : 'BEGIN' },
      narrowed ? { text: `${this.settings}, set_config('app.organization_id', $1, true)`, values: [this.organizationId] } : { text: this.settings },
    ];
  }

  /**
   * The statements in one round trip, one result each. Traced (texts with placeholders, never the
   * values) only when tracing is on. Without parameters the simple protocol takes them as one text;
   * with parameters the extended protocol pipelines each statement before a single Sync.
   */
  private roundTrip(...statements: Statement[]): Promise<QueryResult[]> {
    const text = statements.map((statement) => statement.text).join('; ');
    const send = async (): Promise<QueryResult[]> => {
      if (statements.length === 1) return [await this.client.query(text, statements[0].values)];
      if (!statements.some((statement) => statement.values?.length)) return (await this.client.query(text)) as unknown as QueryResult[];
      return new Promise<QueryResult[]>((resolve, reject) => {
        this.client.query(new PipelinedQuery(statements, (error, answer) => (error ? reject(error) : resolve(answer))));
      });
    };
    return tracingEnabled() ? traceStatement(text, send) : send();
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
    // Nothing was sent, or each statement committed: there is no transaction to end.
    if (!this.open) return this.release();
    let answer: QueryResult;
    try {
      answer = await this.send('COMMIT', undefined, false);
    } catch (error) {
      await this.release(error as Error);
      throw error;
    }
    await this.release();
    if (answer.command !== 'COMMIT') throw new CommitRolledBackError();
  }

  async rollback(): Promise<void> {
    if (this.finished) return;
    if (!this.open) return this.release();
    try {
      await this.send('ROLLBACK', undefined, false);
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

/** The parts of pg's connection that `PipelinedQuery` writes to; pg's typings leave them out. */
interface ExtendedProtocol {
  parse(message: { text: string }): void;
  bind(message: { values: unknown[] }): void;
  describe(message: { type: 'P'; name: string }): void;
  execute(message: object): void;
  sync(): void;
}

/**
 * Statements with parameters in one extended-protocol round trip: each is parsed, bound, described
 * and executed, then one Sync. pg's Query collects one result per statement; the callback gets them
 * all. A failure skips the rest up to the Sync (and aborts the transaction they are in).
 */
class PipelinedQuery extends Query {
  private readonly bound: { text: string; values: unknown[] }[];

  constructor(statements: Statement[], callback: (error: Error | undefined, results: QueryResult[]) => void) {
    super({ text: statements.map((statement) => statement.text).join('; ') }, callback as never);
    // Mapped before anything is written: a value pg cannot send fails the query here, not half-sent.
    this.bound = statements.map(({ text, values = [] }) => ({ text, values: values.map((value) => prepareValue(value)) }));
  }

  requiresPreparation(): boolean {
    return true;
  }

  prepare(connection: ExtendedProtocol): void {
    for (const { text, values } of this.bound) {
      connection.parse({ text });
      connection.bind({ values });
      connection.describe({ type: 'P', name: '' });
      connection.execute({});
    }
    connection.sync();
  }
}
