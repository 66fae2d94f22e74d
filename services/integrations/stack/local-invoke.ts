/**
 * `serverless invoke local -f consumer` runs outside compose, so nothing supplies the compose params
 * (`${param:privateSubnetIds}`...) and the framework refuses to start. For that command only, this
 * gives them inert stand-ins; the consumer itself reads `DATABASE_URL`, which overrides the endpoint variables.
 * Any other command gets nothing from here: a deploy without compose still fails on the missing params.
 *
 * The framework's `invoke local` also cannot load `.mjs` handlers; it loads `<handler>.js` through
 * `import()`, which treats it as ESM because this package is `"type": "module"`.
 */
const LOCAL_STAND_INS: Record<string, string> = {
  privateSubnetIds: 'subnet-local',
  lambdaSecurityGroupId: 'sg-local',
  observabilityKeyArn: 'arn:aws:kms:local:000000000000:key/local',
  alarmTopicArn: 'arn:aws:sns:local:000000000000:local',
  databaseEndpointAddress: 'localhost',
  databasePort: '5432',
  databaseName: 'game',
  databaseResourceId: 'db-LOCAL',
};

/** True for `serverless invoke local ...`. */
export const isLocalInvoke = (argv: readonly string[] = process.argv): boolean => {
  const invoke = argv.indexOf('invoke');
  return invoke !== -1 && argv[invoke + 1] === 'local';
};

/** `{ params: { default: ... } }` during `invoke local`, else `{}` (compose's `--param` values win anyway). */
export const localInvokeParams = (
  argv: readonly string[] = process.argv,
): { params?: Record<string, Record<string, string>> } =>
  isLocalInvoke(argv) ? { params: { default: LOCAL_STAND_INS } } : {};

/** During `invoke local`, bundle to `.js` (still ESM) instead of `.mjs`; otherwise change nothing. */
export const localInvokeEsbuild = (
  argv: readonly string[] = process.argv,
): { outputFileExtension?: '.js' } => (isLocalInvoke(argv) ? { outputFileExtension: '.js' } : {});

/**
 * The consumer's handler: the deployed one, or during `invoke local` a wrapper that gives it the
 * context Lambda would (`local/invoke-local-handler.ts`: osls reports 1024 MB whatever the
 * function's memory).
 */
export const consumerHandler = (argv: readonly string[] = process.argv): string =>
  isLocalInvoke(argv) ? 'local/invoke-local-handler.handler' : 'src/handlers/consumer.handler';
