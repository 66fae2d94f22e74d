/**
 * The queue/consumer platform rules on the integrations template that synth wrote for dev: it passes
 * as synthesized, and each rule fails once the template is changed to break what it guards.
 */

import type { PlatformRule, Template } from '@game-platform/resources/template';
import { loadStageProfile } from '@game-platform/shared/profiles';
import { synthesizedTemplate } from '@game-platform/testing/templates';
import { describe, expect, it } from 'vitest';
import {
  redriveToleratesThrottlingAndKeepsMessages,
  sqsMappingReportsFailuresAndCapsConcurrency,
  visibilityTimeoutCoversConsumer,
} from '../rules';

const profile = loadStageProfile('dev');
const MAPPING = 'ConsumerEventSourceMappingSQSEventsQueue';

/** A fresh copy of the synthesized template, changed by `change`. */
const integrationsTemplate = (change: (template: Template) => void = () => {}): Template => {
  const template = structuredClone(synthesizedTemplate('dev', 'integrations'));
  change(template);
  return template;
};

const propertiesOf = (template: Template, id: string): Record<string, unknown> => {
  const properties = template.Resources[id]?.Properties;
  if (!properties) throw new Error(`no ${id} in the template`);
  return properties;
};

const run = (rule: PlatformRule, template: Template) =>
  rule.check({ stage: 'dev', profile, templates: { integrations: template } }).map((f) => f.message);

describe('PLATFORM.SQS.1 visibility timeout covers the consumer', () => {
  it('passes the synthesized template (181 s >= 6 x 30 s + 1 s)', () => {
    expect(run(visibilityTimeoutCoversConsumer, integrationsTemplate())).toEqual([]);
  });

  it('fails when the visibility timeout is one second short', () => {
    // Prepare
    const template = integrationsTemplate((t) => {
      propertiesOf(t, 'EventsQueue').VisibilityTimeout = 180;
    });

    // Act
    const messages = run(visibilityTimeoutCoversConsumer, template);

    // Assess
    expect(messages).toEqual([
      `VisibilityTimeout is 180 s; expected at least 181 s (6 x ConsumerLambdaFunction timeout 30 s + batching window 1 s of ${MAPPING})`,
    ]);
  });

  it('fails when the function timeout grows without the queue following', () => {
    const template = integrationsTemplate((t) => {
      propertiesOf(t, 'ConsumerLambdaFunction').Timeout = 60;
    });
    expect(run(visibilityTimeoutCoversConsumer, template)).toHaveLength(1);
  });

  it('fails when the queue is in another stack and cannot be checked', () => {
    const template = integrationsTemplate((t) => {
      propertiesOf(t, MAPPING).EventSourceArn = 'arn:aws:sqs:eu-west-1:123456789012:elsewhere';
    });
    expect(run(visibilityTimeoutCoversConsumer, template)[0]).toMatch(/in another stack/);
  });
});

describe('PLATFORM.SQS.2 partial batch responses and a concurrency cap', () => {
  it('passes the synthesized template', () => {
    expect(run(sqsMappingReportsFailuresAndCapsConcurrency, integrationsTemplate())).toEqual([]);
  });

  it('fails without ReportBatchItemFailures and without MaximumConcurrency', () => {
    // Prepare
    const template = integrationsTemplate((t) => {
      delete propertiesOf(t, MAPPING).FunctionResponseTypes;
      delete propertiesOf(t, MAPPING).ScalingConfig;
    });

    // Act
    const messages = run(sqsMappingReportsFailuresAndCapsConcurrency, template);

    // Assess
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(/ReportBatchItemFailures/);
    expect(messages[1]).toMatch(/MaximumConcurrency/);
  });
});

describe('PLATFORM.SQS.3 redrive policy', () => {
  it('passes the synthesized template', () => {
    expect(run(redriveToleratesThrottlingAndKeepsMessages, integrationsTemplate())).toEqual([]);
  });

  it('fails on maxReceiveCount below 5 and on a DLQ that keeps messages no longer than the source', () => {
    // Prepare
    const template = integrationsTemplate((t) => {
      const queue = propertiesOf(t, 'EventsQueue');
      (queue.RedrivePolicy as Record<string, unknown>).maxReceiveCount = 2;
      propertiesOf(t, 'EventsDeadLetterQueue').MessageRetentionPeriod = queue.MessageRetentionPeriod;
    });

    // Act
    const messages = run(redriveToleratesThrottlingAndKeepsMessages, template);

    // Assess
    expect(messages).toEqual([
      'RedrivePolicy.maxReceiveCount is 2; expected at least 5, so throttled receives do not dead-letter good messages',
      "dead-letter queue EventsDeadLetterQueue keeps messages 345600 s; expected more than this queue's 345600 s (SQS keeps the original enqueue time when it dead-letters a message)",
    ]);
  });
});
