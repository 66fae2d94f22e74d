/** Exceptions are explicit, scoped, reasoned, and never outlive the findings they cover. */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '@game-platform/resources/template';
import { describe, expect, it } from 'vitest';
import { applyExceptions, loadExceptions, type PolicyException } from '../src/checks/exceptions';

const finding = (overrides: Partial<Finding> = {}): Finding => ({
  check: 'policy gate',
  rule: 'CT.S3.PR.2',
  service: 'frontend',
  resource: 'SiteBucket',
  message: 'no access logs',
  ...overrides,
});

const exception = (overrides: Partial<PolicyException> = {}): PolicyException => ({
  rule: 'CT.S3.PR.2',
  service: 'frontend',
  resource: 'SiteBucket',
  reason: 'a reason long enough to be a reason',
  ...overrides,
});

describe('applyExceptions', () => {
  it('excepts a matching finding and keeps its reason', () => {
    const outcome = applyExceptions([finding()], [exception()], 'dev');
    expect(outcome.failed).toEqual([]);
    expect(outcome.excepted).toEqual([{ ...finding(), reason: exception().reason }]);
    expect(outcome.stale).toEqual([]);
  });

  it('fails a finding in a profile the exception does not list', () => {
    const scoped = exception({ profiles: ['dev'] });
    const outcome = applyExceptions([finding()], [scoped], 'prod');
    expect(outcome.failed).toEqual([finding()]);
    expect(outcome.stale).toEqual([]);
  });

  it('reports an exception that matches nothing as stale', () => {
    expect(applyExceptions([], [exception()], 'dev').stale).toEqual([exception()]);
  });

  it('matches "*" services and resources, and never excepts specification findings', () => {
    const wildcard = exception({ service: '*', resource: '*', rule: 'SPEC' as never });
    const spec = finding({ check: 'specification', rule: 'SPEC' });
    expect(applyExceptions([spec], [wildcard], 'dev').failed).toEqual([spec]);
    const gate = applyExceptions(
      [finding({ service: 'engine', resource: 'X' })],
      [exception({ service: '*', resource: '*' })],
      'dev',
    );
    expect(gate.failed).toEqual([]);
  });
});

describe('loadExceptions', () => {
  it('loads the repository file', () => {
    expect(loadExceptions().length).toBeGreaterThan(0);
  });

  it('rejects an entry without a real reason or with an unknown rule id, naming the entry', () => {
    const file = join(tmpdir(), `exceptions-${process.pid}.yml`);
    writeFileSync(
      file,
      'exceptions:\n  - rule: CT.S3.PR.2\n    service: frontend\n    resource: SiteBucket\n    reason: cost\n  - rule: S3-LOGS\n    service: x\n    resource: y\n    reason: because we decided so after review\n',
    );
    expect(() => loadExceptions(file)).toThrow(
      /exceptions\[0\]\.reason: a reason of at least 20 characters\n {2}- exceptions\[1\]\.rule: a control id/,
    );
  });
});
