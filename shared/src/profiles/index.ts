export {
  loadStageProfile,
  profileNameFor,
  type StageProfile,
  StageProfileError,
  validateStageProfiles,
} from './load';
export {
  CLOUDFRONT_CERTIFICATE_REGION,
  LOG_RETENTION_DAYS,
  NAT_MODES,
  ORIGIN_ACCESS_MODES,
  SITE_ENCRYPTIONS,
  type StageProfileInput,
  type StageProfileValues,
} from './schema';
export { CHECKED_PROFILES, FALLBACK_PROFILE, stageProfiles } from './stages';
