import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookWorker } from './changes/webhook.worker';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { ConfigError, type Config } from './config';
import { createDataSource } from './db/data-source';
import { migrate } from './db/migrate';
import { exportRoutes } from './exports/export.routes';
import { importRoutes } from './imports/import.routes';
import type { Express } from 'express';
import { createApp } from './http/app';
import { createSubgraphSchema } from './graphql/subgraph';
import type { Logger } from './logger';
import { watchPool } from './observability/metrics';

export interface RunningServer {
  url: string;
  port: number;
  /** Stops accepting, lets in-flight requests and webhook deliveries finish (bounded), closes the pool. */
  stop(): Promise<void>;
}

/** Database pool, schema, Apollo and Express on one HTTP server, and the webhook worker: everything but the process. */
export async function startServer(config: Config, databaseUrl: string, log: Logger): Promise<RunningServer> {
  if (config.migrateOnStart) await migrate(databaseUrl, log);
  const dataSource = createDataSource(databaseUrl, config, log);
  await dataSource.initialize();
  const unwatchPool = watchPool((dataSource.driver as PostgresDriver).master);
  const httpServer = http.createServer();
  const deps = { config, dataSource, log };
  const routes = (app: Express) => {
    exportRoutes(deps)(app);
    importRoutes(deps)(app);
  };
  const { app, apollo } = await createApp(deps, { schema: await createSubgraphSchema(), httpServer, routes });
  httpServer.on('request', app);
  await new Promise<void>((resolve, reject) => {
    // Taken port, address not on this machine, privileged port: the operator's settings to fix.
    httpServer.once('error', (error) => reject(new ConfigError(`PORT ${config.port} on HOST ${config.host} cannot be listened on: ${error.message}`)));
    httpServer.listen(config.port, config.host, resolve);
  });
  // Every server process delivers webhooks; they share the work through the database.
  const worker = new WebhookWorker(dataSource, databaseUrl, config, log);
  await worker.start();
  const { port } = httpServer.address() as AddressInfo;
  const shownHost = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    async stop() {
      // The drain plugin closes the listener and waits for in-flight requests, at most DRAIN_TIMEOUT_MS.
      // The worker stops taking work while requests drain; both finish what they started.
      await Promise.all([apollo.stop(), worker.stop()]);
      unwatchPool();
      await dataSource.destroy();
    },
  };
}
