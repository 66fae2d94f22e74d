/**
 * The integrations section of the stage profiles: the rules that keep the queue, the consumer and the
 * database consistent with each other fail with one line naming the key, the value and what is allowed.
 */

import { describe, expect, it } from 'vitest';
import { stageProfiles } from '../../src/profiles';
import { problemsOf, withDev } from '../helpers/profiles';

const withDevIntegrations = (changes: Record<string, unknown>) => withDev('integrations', changes);

describe('integrations stage profile', () => {
  it('accepts the profiles as written', () => {
    // Act / Assess
    expect(problemsOf(stageProfiles)).toEqual([]);
  });

  it('rejects a dead-letter retention that is not longer than the queue retention', () => {
    // Prepare
    const profiles = withDevIntegrations({ messageRetentionDays: 14, deadLetterRetentionDays: 14 });

    // Act
    const problems = problemsOf(profiles);

    // Assess
    expect(problems).toEqual([
      'stage profile "dev": integrations.deadLetterRetentionDays is 14; expected more than integrations.messageRetentionDays (14), because SQS keeps the original enqueue time when it dead-letters a message',
    ]);
  });

  it('rejects a maximum concurrency that would open more connections than the database budget', () => {
    // Prepare
    const profiles = withDevIntegrations({ maximumConcurrency: 5, databaseConnectionBudget: 4 });

    // Act
    const problems = problemsOf(profiles);

    // Assess
    expect(problems).toEqual([
      'stage profile "dev": integrations.maximumConcurrency is 5; expected at most 4, because each consumer instance holds 1 connection and integrations.databaseConnectionBudget is 4',
    ]);
  });

  it('rejects a maxReceiveCount below 5 naming the allowed range', () => {
    // Prepare
    const profiles = withDevIntegrations({ maxReceiveCount: 3 });

    // Act
    const problems = problemsOf(profiles);

    // Assess
    expect(problems).toEqual([
      'stage profile "dev": integrations.maxReceiveCount is 3; expected an integer from 5 to 1000',
    ]);
  });

  it('accepts the edge of the budget: concurrency equal to the connection budget', () => {
    // Prepare
    const profiles = withDevIntegrations({ maximumConcurrency: 4, databaseConnectionBudget: 4 });

    // Act / Assess
    expect(problemsOf(profiles)).toEqual([]);
  });
});
