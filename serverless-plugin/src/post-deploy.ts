/**
 * Post-deploy invocations: after a service deploys, invoke some of its own functions, one after
 * the other, and fail the deploy if one fails. The datastore uses it to migrate the database
 * (`custom.platform.invokeAfterDeploy: ['migrate']`); any service can list its own functions.
 *
 * The AWS call sits behind `FunctionInvoker`, so this logic is tested without AWS.
 */

/** What one synchronous invocation of a deployed function returned. */
export interface InvocationResult {
  /** Set by Lambda when the function threw or timed out (`Unhandled`). */
  functionError?: string;
  /** The response payload as text (the function's return value, or its error as JSON). */
  payload: string;
  /** The last 4 KB of the invocation's log, when Lambda returned it. */
  logTail?: string;
}

/** Invokes a deployed function synchronously with an empty event. */
export interface FunctionInvoker {
  invoke(deployedName: string): Promise<InvocationResult>;
}

export class PostDeployError extends Error {
  override readonly name = 'PostDeployError';
}

/**
 * Checks the `invokeAfterDeploy` setting against the service's functions; returns it as a list.
 * Runs at package time too, so a typo fails synth instead of the first deploy.
 */
export const postDeployFunctions = (setting: unknown, serviceFunctions: readonly string[]): string[] => {
  if (setting === undefined) return [];
  if (!Array.isArray(setting) || !setting.every((name) => typeof name === 'string'))
    throw new PostDeployError(
      `custom.platform.invokeAfterDeploy is ${JSON.stringify(setting)}; expected a list of function names of this service`,
    );
  for (const name of setting) {
    if (!serviceFunctions.includes(name))
      throw new PostDeployError(
        `custom.platform.invokeAfterDeploy names "${name}", which is not a function of this service; expected one of: ${serviceFunctions.join(', ') || '(none)'}`,
      );
  }
  return setting;
};

/** The message a function's error payload carries (`{"errorType":"...","errorMessage":"..."}`). */
const errorMessageOf = (payload: string): string => {
  try {
    const parsed = JSON.parse(payload) as { errorType?: unknown; errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string')
      return typeof parsed.errorType === 'string'
        ? `${parsed.errorType}: ${parsed.errorMessage}`
        : parsed.errorMessage;
  } catch {
    // not JSON: report it as it is
  }
  return payload || '(no payload)';
};

const indent = (text: string) =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');

export interface PostDeployInvocation {
  /** The function's key in `functions` (`migrate`). */
  name: string;
  /** Its deployed name (`game-datastore-dev-migrate`). */
  deployedName: string;
}

/**
 * Invokes each function in order and prints what it returned. Throws `PostDeployError` on the
 * first one that fails (or cannot be invoked), naming it, with its error and log tail; the
 * functions after it are not invoked.
 */
export const runPostDeployInvocations = async (
  invocations: readonly PostDeployInvocation[],
  invoker: FunctionInvoker,
  log: (line: string) => void,
): Promise<void> => {
  for (const { name, deployedName } of invocations) {
    log(`post-deploy: invoking ${name} (${deployedName})...`);
    let result: InvocationResult;
    try {
      result = await invoker.invoke(deployedName);
    } catch (error) {
      throw new PostDeployError(
        `post-deploy: could not invoke ${name} (${deployedName}): ${(error as Error).message}. The stack is deployed but ${name} did not run; fix the cause, then run \`serverless invoke -f ${name}\` or deploy again`,
      );
    }
    if (result.functionError) {
      throw new PostDeployError(
        [
          `post-deploy: ${name} (${deployedName}) failed: ${errorMessageOf(result.payload)}`,
          ...(result.logTail ? ['  log tail:', indent(result.logTail)] : []),
          `  The stack is deployed but ${name} did not complete; fix the cause and deploy again (or run \`serverless invoke -f ${name}\`).`,
        ].join('\n'),
      );
    }
    log(`post-deploy: ${name} returned ${result.payload || '(nothing)'}`);
  }
};
