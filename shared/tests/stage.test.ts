import { describe, expect, it } from 'vitest';
import { stageFromArgv } from '../src/stage';

describe('stageFromArgv', () => {
  it.each([
    [['node', 'serverless', 'package', '--stage', 'prod'], 'prod'],
    [['node', 'serverless', 'deploy', '--stage=staging'], 'staging'],
    [['node', 'serverless', 'deploy', '-s', 'alice'], 'alice'],
    [['node', 'serverless', 'package'], 'dev'],
  ])('reads %j as %s', (argv, stage) => {
    expect(stageFromArgv(argv)).toBe(stage);
  });
});
