import { stackName } from '@game-platform/resources';
import type { StageReport } from './synth';

const count = <T>(items: T[], predicate: (item: T) => boolean) => items.filter(predicate).length;

/** The human summary: per stack, resources by type, outputs, and what each check said. */
export const formatStageReport = (report: StageReport): string => {
  const lines: string[] = [];
  lines.push(
    `\n== stage ${report.stage} (profile ${report.profile.profileName}, ${report.profile.region}) ==`,
  );
  for (const { service, template, guard } of report.stacks) {
    const resources = Object.values(template.Resources);
    const byType = new Map<string, number>();
    for (const { Type } of resources) byType.set(Type, (byType.get(Type) ?? 0) + 1);
    const mine = (check: string) =>
      report.failed.filter((f) => f.service === service && f.check === check).length;
    const excepted = (check: string) =>
      report.excepted.filter((f) => f.service === service && f.check === check).length;
    const guardFailedRules = count(guard, (r) => r.status === 'FAIL');
    lines.push(
      `\n${stackName(service as never, report.stage)} (${service}): ${resources.length} resources, ${Object.keys(template.Outputs ?? {}).length} outputs`,
    );
    lines.push(
      `  resources: ${[...byType.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([type, n]) => `${type.replace(/^AWS::/, '')}${n > 1 ? ` x${n}` : ''}`)
        .join(', ')}`,
    );
    lines.push(`  outputs:   ${Object.keys(template.Outputs ?? {}).join(', ') || '(none)'}`);
    lines.push(
      `  checks:    specification ${mine('specification') ? `FAILED (${mine('specification')})` : 'passed'}` +
        ` | policy gate ${count(guard, (r) => r.status === 'PASS')} controls passed, ${guardFailedRules} flagged ${mine('policy gate') + excepted('policy gate')} resources: ${mine('policy gate')} failed, ${excepted('policy gate')} excepted` +
        ` | platform rules ${mine('platform rules')} failed, ${excepted('platform rules')} excepted` +
        (mine('references') ? ` | references FAILED (${mine('references')})` : ''),
    );
  }
  if (report.excepted.length) {
    lines.push('\nexcepted (policy-exceptions.yml):');
    const groups = new Map<string, string[]>();
    for (const f of report.excepted) {
      const key = `${f.rule}: ${f.reason}`;
      groups.set(key, [...(groups.get(key) ?? []), `${f.service}/${f.resource}`]);
    }
    for (const [key, where] of groups) lines.push(`  ~ ${key}\n      ${where.join(', ')}`);
  }
  if (report.failed.length) {
    lines.push('\nFAILED:');
    for (const f of report.failed)
      lines.push(`  x [${f.check}] ${f.rule} ${f.service}/${f.resource}: ${f.message}`);
  }
  if (report.stale.length) {
    lines.push('\nSTALE EXCEPTIONS (they match nothing; remove them from policy-exceptions.yml):');
    for (const e of report.stale)
      lines.push(
        `  x ${e.rule} ${e.service}/${e.resource}${e.profiles ? ` [${e.profiles.join(', ')}]` : ''}`,
      );
  }
  lines.push(
    `\nstage ${report.stage}: ${report.failed.length + report.stale.length === 0 ? 'OK' : 'FAILED'}` +
      ` (package ${report.packageSeconds.toFixed(1)} s, checks ${report.checkSeconds.toFixed(1)} s)`,
  );
  return lines.join('\n');
};
