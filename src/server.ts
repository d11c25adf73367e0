import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config';
import { createDataSource } from './db/data-source';
import { migrate } from './db/migrate';
import { exportRoutes } from './exports/export.routes';
import { createApp } from './http/app';
import { createSchema } from './graphql/schema';
import type { Logger } from './logger';

export interface RunningServer {
  url: string;
  port: number;
  /** Stops accepting, lets in-flight requests finish (bounded), closes the pool. */
  stop(): Promise<void>;
}

const DRAIN_TIMEOUT_MS = 10_000;

/** Database pool, schema, Apollo and Express on one HTTP server: everything but the process. */
export async function startServer(config: Config, databaseUrl: string, log: Logger): Promise<RunningServer> {
  if (config.migrateOnStart) await migrate(databaseUrl, log);
  const dataSource = createDataSource(databaseUrl, config);
  await dataSource.initialize();
  const httpServer = http.createServer();
  const deps = { config, dataSource, log };
  const { app, apollo } = await createApp(deps, { schema: await createSchema(), httpServer, routes: exportRoutes(deps) });
  httpServer.on('request', app);
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, resolve);
  });
  const { port } = httpServer.address() as AddressInfo;
  const shownHost = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    async stop() {
      // The drain plugin closes the listener and waits for in-flight requests; a bound keeps shutdown finite.
      const drained = apollo.stop();
      const timer = setTimeout(() => httpServer.closeAllConnections(), DRAIN_TIMEOUT_MS);
      await drained;
      clearTimeout(timer);
      await dataSource.destroy();
    },
  };
}
