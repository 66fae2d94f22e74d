export {
  describeFargateMemoryOptions,
  FARGATE_CPU_UNITS,
  fargateMemoryOptions,
  isFargateTaskSize,
} from './fargate';
export {
  loadStageProfile,
  OTHER_DATABASE_CONNECTIONS,
  profileNameFor,
  type StageProfile,
  StageProfileError,
  validateStageProfiles,
} from './load';
export { instanceClassMemoryGiB, KNOWN_INSTANCE_FAMILIES, maxConnectionsFor } from './rds';
export {
  CLOUDFRONT_CERTIFICATE_REGION,
  ECR_REPOSITORY_NAME,
  ECR_REPOSITORY_NAME_RULE,
  ENGINE_CPU_ARCHITECTURES,
  ENGINE_IMAGE_TAG,
  ENGINE_IMAGE_TAG_RULE,
  LOG_RETENTION_DAYS,
  MONITORING_INTERVAL_SECONDS,
  NAT_MODES,
  ORIGIN_ACCESS_MODES,
  PERFORMANCE_INSIGHTS_RETENTION_DAYS,
  POSTGRES_MAJOR_VERSIONS,
  SITE_ENCRYPTIONS,
  STAGE_PLACEHOLDER,
  type StageProfileInput,
  type StageProfileValues,
} from './schema';
export { CHECKED_PROFILES, FALLBACK_PROFILE, stageProfiles } from './stages';
