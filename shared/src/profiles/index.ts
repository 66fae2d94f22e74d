export {
  CONSUMER_CONNECTIONS_PER_INSTANCE,
  loadStageProfile,
  profileNameFor,
  type StageProfile,
  StageProfileError,
  validateStageProfiles,
} from './load';
export { instanceClassMemoryGiB, KNOWN_INSTANCE_FAMILIES, maxConnectionsFor } from './rds';
export {
  CLOUDFRONT_CERTIFICATE_REGION,
  LOG_RETENTION_DAYS,
  MONITORING_INTERVAL_SECONDS,
  NAT_MODES,
  ORIGIN_ACCESS_MODES,
  PERFORMANCE_INSIGHTS_RETENTION_DAYS,
  POSTGRES_MAJOR_VERSIONS,
  SITE_ENCRYPTIONS,
  type StageProfileInput,
  type StageProfileValues,
} from './schema';
export { CHECKED_PROFILES, FALLBACK_PROFILE, stageProfiles } from './stages';
