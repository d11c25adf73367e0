import type { ExportSettings } from '../config';
import { ServiceUnavailableError } from '../errors';

/**
 * How exports share the database (api.md "Errors and limits": exports never starve the API). A
 * download holds one pooled connection while it reads its pages, so at most
 * `EXPORT_CONNECTIONS` downloads read at once in a process (GraphQL keeps the rest of the pool),
 * at most `EXPORTS_PER_ORGANIZATION` of them for one organization; a download that finds no room
 * waits up to `EXPORT_QUEUE_TIMEOUT_MS` without a connection, then is answered 503 with
 * Retry-After. The route cuts clients that stop reading or read too slowly (download-guard.ts).
 */

/** What a 503 asks the client to wait (Retry-After, seconds): about the time a typical download takes. */
export const EXPORT_RETRY_AFTER_SECONDS = 5;

/** The answer to a download that found no room in time (or no pooled connection): 503 with Retry-After. */
export function exportsBusy(): ServiceUnavailableError {
  return new ServiceUnavailableError(
    `Too many exports are running; try again in ${EXPORT_RETRY_AFTER_SECONDS} seconds`,
    EXPORT_RETRY_AFTER_SECONDS,
  );
}

/** The right to read one download's pages; released once, when its transaction ends. */
export interface ExportPermit {
  release(): void;
}

interface Waiter {
  organizationId: string;
  admit(permit: ExportPermit): void;
}

/**
 * The process's export slots: a semaphore of `connections` slots with a cap per organization.
 * Waiters are admitted in arrival order as slots free up, each as soon as both its organization
 * and the share have room (a waiter held back by its organization's cap does not hold back
 * another organization's).
 */
export class ExportGate {
  private running = 0;
  private readonly byOrganization = new Map<string, number>();
  private readonly waiters: Waiter[] = [];

  constructor(private readonly settings: Pick<ExportSettings, 'connections' | 'perOrganization' | 'queueTimeoutMs'>) {}

  /** A permit now, or null when the share or the organization's cap is full. */
  tryAcquire(organizationId: string): ExportPermit | null {
    return this.hasRoom(organizationId) ? this.grant(organizationId) : null;
  }

  /** A permit within `queueTimeoutMs`, else ExportsBusyError (answered 503 with Retry-After). */
  acquire(organizationId: string): Promise<ExportPermit> {
    const now = this.tryAcquire(organizationId);
    if (now) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        organizationId,
        admit: (permit) => {
          clearTimeout(timer);
          resolve(permit);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(exportsBusy());
      }, this.settings.queueTimeoutMs);
      this.waiters.push(waiter);
    });
  }

  private hasRoom(organizationId: string): boolean {
    return this.running < this.settings.connections && (this.byOrganization.get(organizationId) ?? 0) < this.settings.perOrganization;
  }

  private grant(organizationId: string): ExportPermit {
    this.running += 1;
    this.byOrganization.set(organizationId, (this.byOrganization.get(organizationId) ?? 0) + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.running -= 1;
        const left = this.byOrganization.get(organizationId)! - 1;
        if (left === 0) this.byOrganization.delete(organizationId);
        else this.byOrganization.set(organizationId, left);
        this.admitWaiters();
      },
    };
  }

  private admitWaiters(): void {
    for (let index = 0; index < this.waiters.length && this.running < this.settings.connections; ) {
      const waiter = this.waiters[index];
      if (!this.hasRoom(waiter.organizationId)) {
        index += 1;
        continue;
      }
      this.waiters.splice(index, 1);
      waiter.admit(this.grant(waiter.organizationId));
    }
  }
}

/**
 * The organization of each tenant this process has served a download to (a tenant never changes
 * organization), so that a download can wait for its slot before it takes a connection. Only the
 * gate reads it: the request itself still reads its tenant from the database. Bounded: past
 * `limit` tenants it starts again from nothing.
 */
export class TenantOrganizations {
  private readonly known = new Map<string, string>();

  constructor(private readonly limit = 10_000) {}

  of(tenantId: string): string | undefined {
    return this.known.get(tenantId);
  }

  remember(tenantId: string, organizationId: string): void {
    if (this.known.size >= this.limit && !this.known.has(tenantId)) this.known.clear();
    this.known.set(tenantId, organizationId);
  }
}
