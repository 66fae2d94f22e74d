/**
 * How a workload finds and authenticates to PostgreSQL, read once from the environment:
 *
 * - `DATABASE_URL` (local runs, tests): the whole connection string; it overrides everything else.
 * - `DATABASE_IAM_USER` + `DATABASE_ENDPOINT_ADDRESS` + `DATABASE_PORT` + `DATABASE_NAME` (workloads in AWS: the consumer, the engine): IAM
 *   database authentication as that role, a fresh 15-minute token per new connection signed with the
 *   execution role's credentials (`AWS_REGION` names the region); no password exists anywhere.
 * - `DATABASE_SECRET_ARN` + `DATABASE_ENDPOINT_ADDRESS` + `DATABASE_PORT` + `DATABASE_NAME` (the migration runner only): user and password
 *   come from the RDS-managed master secret in Secrets Manager.
 *
 * In AWS, TLS verifies the server against the RDS CA (the Lambda runtime ships it; set
 * `NODE_EXTRA_CA_CERTS=/var/runtime/ca-cert.pem`).
 */

export type DatabaseSettings =
  | { kind: 'url'; connectionString: string }
  | { kind: 'iamAuth'; user: string; region: string; host: string; port: number; database: string }
  | { kind: 'managedSecret'; secretArn: string; host: string; port: number; database: string };

export class DatabaseSettingsError extends Error {
  override readonly name = 'DatabaseSettingsError';
}

type Environment = Record<string, string | undefined>;

const required = (env: Environment, key: string, expected: string): string => {
  const value = env[key];
  if (!value)
    throw new DatabaseSettingsError(
      `${key} is ${value === undefined ? 'not set' : 'empty'}; expected ${expected} (or set DATABASE_URL)`,
    );
  return value;
};

export const readDatabaseSettings = (env: Environment = process.env): DatabaseSettings => {
  if (env.DATABASE_URL) {
    try {
      const url = new URL(env.DATABASE_URL);
      if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
        throw new Error(`protocol ${url.protocol}`);
    } catch (error) {
      throw new DatabaseSettingsError(
        `DATABASE_URL is not a PostgreSQL connection string (${(error as Error).message}); expected postgres://user:password@host:port/database`,
      );
    }
    return { kind: 'url', connectionString: env.DATABASE_URL };
  }
  const endpoint = () => {
    const portText = required(env, 'DATABASE_PORT', 'the database port, e.g. 5432');
    const port = Number(portText);
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new DatabaseSettingsError(
        `DATABASE_PORT is "${portText}"; expected a port number from 1 to 65535`,
      );
    return {
      host: required(env, 'DATABASE_ENDPOINT_ADDRESS', 'the database endpoint address'),
      port,
      database: required(env, 'DATABASE_NAME', 'the database name, e.g. game'),
    };
  };
  if (env.DATABASE_IAM_USER !== undefined) {
    const user = required(env, 'DATABASE_IAM_USER', 'a database role granted rds_iam, e.g. game_consumer');
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(user))
      throw new DatabaseSettingsError(
        `DATABASE_IAM_USER is "${user}"; expected a PostgreSQL role name (lowercase letters, digits, _), e.g. game_consumer`,
      );
    const region = required(env, 'AWS_REGION', 'the AWS region the database is in (Lambda sets it)');
    return { kind: 'iamAuth', user, region, ...endpoint() };
  }
  const secretArn = required(
    env,
    'DATABASE_SECRET_ARN',
    'the ARN of the RDS-managed master secret (arn:aws:secretsmanager:...), or DATABASE_IAM_USER for IAM authentication',
  );
  if (!secretArn.startsWith('arn:'))
    throw new DatabaseSettingsError(
      `DATABASE_SECRET_ARN is "${secretArn}"; expected a Secrets Manager ARN (arn:aws:secretsmanager:...)`,
    );
  return { kind: 'managedSecret', secretArn, ...endpoint() };
};

/**
 * Connections one consumer instance holds: it writes a batch in one statement on one connection. The
 * consumer's pool size, and the unit of the stage profile's database connection budget.
 */
export const CONSUMER_CONNECTIONS_PER_INSTANCE = 1;
