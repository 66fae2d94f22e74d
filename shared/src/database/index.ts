export {
  CachedCredentials,
  type CredentialsFetcher,
  createPool,
  type DatabaseCredentials,
  isAuthenticationFailure,
  type PoolOptions,
} from './pool';
export {
  type AuthTokenRequest,
  type AwsCredentials,
  environmentCredentials,
  rdsAuthToken,
} from './rds-auth-token';
export {
  CONSUMER_CONNECTIONS_PER_INSTANCE,
  type DatabaseSettings,
  DatabaseSettingsError,
  readDatabaseSettings,
} from './settings';
