/** `@game-platform/shared/endpoints`: the endpoint catalogue, what each workload calls, and the derivation of which endpoints a stage needs. */
export * from './catalogue';
export {
  type DeployedEndpoint,
  type Derivation,
  type DerivationProblem,
  deployedEndpoints,
  deriveEndpointNeeds,
  type EndpointNeed,
  type IamFacts,
  type MissingEndpoint,
  missingEndpoints,
  reasonsOf,
  type Workload,
  type WorkloadKind,
} from './derivation';
export { interfaceEndpointsOf, type WorkloadCall, workloadCalls } from './workload-calls';
