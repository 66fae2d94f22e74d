/**
 * Polls `probe` every 100 ms until it returns a value (a throw counts as "not yet"), and gives up
 * after `ms` naming `what` it waited for: for end-to-end tests whose effects arrive asynchronously.
 */
export const until = async <T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> => {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};
