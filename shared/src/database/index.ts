export {
  CachedCredentials,
  type CredentialsFetcher,
  createPool,
  type DatabaseCredentials,
  isAuthenticationFailure,
  type PoolOptions,
} from './pool';
export { type DatabaseSettings, DatabaseSettingsError, readDatabaseSettings } from './settings';
