export {
  CONSUMER_CONNECTIONS_PER_INSTANCE,
  loadStageProfile,
  profileNameFor,
  type StageProfile,
  StageProfileError,
  validateStageProfiles,
} from './load';
export { LOG_RETENTION_DAYS, NAT_MODES, type StageProfileInput, type StageProfileValues } from './schema';
export { CHECKED_PROFILES, FALLBACK_PROFILE, stageProfiles } from './stages';
