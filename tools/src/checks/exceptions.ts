/**
 * Policy exceptions: the one reviewed file (`policy-exceptions.yml`) where a deviation from a
 * Control Tower control or a platform rule is accepted, per rule × service × resource, with a
 * reason. Anything failing without a matching entry fails synth; an entry that matches nothing any
 * more fails too, so the file never outlives the reasons in it.
 */
import { readFileSync } from 'node:fs';
import { repoPath } from '@game-platform/resources/paths';
import type { Finding } from '@game-platform/resources/template';
import * as yaml from 'js-yaml';
import * as v from 'valibot';

const exceptionSchema = v.strictObject({
  /** Control or rule id: `CT.S3.PR.2`, `PLATFORM.IAM.2`. */
  rule: v.pipe(
    v.string(),
    v.regex(
      /^(CT\.[A-Z0-9]+\.PR\.\d+|PLATFORM\.[A-Z0-9]+\.\d+)$/,
      'a control id such as CT.S3.PR.2 or a rule id such as PLATFORM.IAM.1',
    ),
  ),
  /** Compose service name, or `*` for every service (framework-generated resources). */
  service: v.string(),
  /** Logical id, or `*` for every resource of the rule's type in the service. */
  resource: v.string(),
  /** Stage profiles the exception holds for; omitted = every profile. */
  profiles: v.optional(v.array(v.string())),
  /** Why the deviation is right. Reviewed like code. */
  reason: v.pipe(v.string(), v.minLength(20, 'a reason of at least 20 characters')),
});

export type PolicyException = v.InferOutput<typeof exceptionSchema>;

export const EXCEPTIONS_FILE = repoPath('policy-exceptions.yml');

export const loadExceptions = (file = EXCEPTIONS_FILE): PolicyException[] => {
  const document = yaml.load(readFileSync(file, 'utf8')) as { exceptions?: unknown };
  const result = v.safeParse(v.array(exceptionSchema), document?.exceptions ?? []);
  if (!result.success) {
    throw new Error(
      `${file} is invalid:\n${result.issues
        .map(
          (issue) =>
            `  - exceptions${(issue.path ?? []).map((p) => (typeof p.key === 'number' ? `[${p.key}]` : `.${String(p.key)}`)).join('')}: ${issue.message}`,
        )
        .join('\n')}`,
    );
  }
  return result.output;
};

const matches = (exception: PolicyException, finding: Finding, profileName: string) =>
  exception.rule === finding.rule &&
  (exception.service === '*' || exception.service === finding.service) &&
  (exception.resource === '*' || exception.resource === finding.resource) &&
  (!exception.profiles || exception.profiles.includes(profileName));

export interface ExceptionOutcome {
  failed: Finding[];
  excepted: Array<Finding & { reason: string }>;
  /** Entries that apply to this profile but matched no finding. */
  stale: PolicyException[];
}

/** Splits policy-gate and platform-rule findings into failed and excepted; specification findings are never excepted. */
export const applyExceptions = (
  findings: Finding[],
  exceptions: PolicyException[],
  profileName: string,
): ExceptionOutcome => {
  const used = new Set<PolicyException>();
  const failed: Finding[] = [];
  const excepted: ExceptionOutcome['excepted'] = [];
  for (const finding of findings) {
    const exception =
      finding.check === 'policy gate' || finding.check === 'platform rules'
        ? exceptions.find((e) => matches(e, finding, profileName))
        : undefined;
    if (exception) {
      used.add(exception);
      excepted.push({ ...finding, reason: exception.reason });
    } else failed.push(finding);
  }
  const stale = exceptions.filter((e) => !used.has(e) && (!e.profiles || e.profiles.includes(profileName)));
  return { failed, excepted, stale };
};
