/**
 * Platform rules for queues and their Lambda consumers (the integrations service's shape, checked
 * wherever it appears): what AWS documents as necessary for SQS -> Lambda but no Control Tower
 * control checks.
 *
 * - PLATFORM.SQS.1: the queue's visibility timeout is at least 6 x the consumer's timeout plus the
 *   batching window; otherwise a message still being processed is handed to a second invocation.
 * - PLATFORM.SQS.2: an SQS event source mapping reports batch item failures (a failed record does not
 *   make the whole batch retry) and caps its concurrency (the database's connection budget).
 * - PLATFORM.SQS.3: a queue's redrive policy tolerates throttling (maxReceiveCount >= 5) and its
 *   dead-letter queue keeps messages longer than the source does.
 */
import {
  type Finding,
  type PlatformRule,
  platformFinding,
  referencedLogicalId,
  resourcesOfType,
  type Template,
} from '@game-platform/resources/template';

/** Lambda's default function timeout and SQS's default visibility timeout and retention, when unset. */
const DEFAULT_FUNCTION_TIMEOUT_SECONDS = 3;
const DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 30;
const DEFAULT_RETENTION_SECONDS = 345_600;
const MIN_MAX_RECEIVE_COUNT = 5;

interface SqsMapping {
  service: string;
  template: Template;
  mappingId: string;
  properties: Record<string, unknown>;
  /** The queue's logical id when it is in the same template. */
  queueId: string | undefined;
}

/** Event source mappings that read an SQS queue: a queue of this template, or an ARN that says `:sqs:`. */
const sqsMappings = (templates: Record<string, Template>): SqsMapping[] =>
  Object.entries(templates).flatMap(([service, template]) =>
    Object.entries(resourcesOfType(template, 'AWS::Lambda::EventSourceMapping')).flatMap(
      ([mappingId, mapping]): SqsMapping[] => {
        const properties = mapping.Properties ?? {};
        const sourceId = referencedLogicalId(properties.EventSourceArn);
        const localQueue = sourceId && template.Resources[sourceId]?.Type === 'AWS::SQS::Queue';
        if (localQueue) return [{ service, template, mappingId, properties, queueId: sourceId }];
        return JSON.stringify(properties.EventSourceArn ?? '').includes(':sqs:')
          ? [{ service, template, mappingId, properties, queueId: undefined }]
          : [];
      },
    ),
  );

export const visibilityTimeoutCoversConsumer: PlatformRule = {
  id: 'PLATFORM.SQS.1',
  description:
    'A queue read by Lambda has a visibility timeout of at least 6 x the function timeout + the batching window',
  check: ({ templates }) =>
    sqsMappings(templates).flatMap(({ service, template, mappingId, properties, queueId }) => {
      const functionId = referencedLogicalId(properties.FunctionName);
      const fn = functionId ? template.Resources[functionId] : undefined;
      if (!queueId || fn?.Type !== 'AWS::Lambda::Function') {
        return [
          platformFinding(
            'PLATFORM.SQS.1',
            service,
            mappingId,
            'the queue or the function of this SQS event source mapping is in another stack, so the visibility timeout cannot be checked; keep a queue and its consumer in one stack',
          ),
        ];
      }
      const timeout = Number(fn.Properties?.Timeout ?? DEFAULT_FUNCTION_TIMEOUT_SECONDS);
      const window = Number(properties.MaximumBatchingWindowInSeconds ?? 0);
      const visibility = Number(
        template.Resources[queueId]?.Properties?.VisibilityTimeout ?? DEFAULT_VISIBILITY_TIMEOUT_SECONDS,
      );
      const required = 6 * timeout + window;
      return visibility >= required
        ? []
        : [
            platformFinding(
              'PLATFORM.SQS.1',
              service,
              queueId,
              `VisibilityTimeout is ${visibility} s; expected at least ${required} s (6 x ${functionId} timeout ${timeout} s + batching window ${window} s of ${mappingId})`,
            ),
          ];
    }),
};

export const sqsMappingReportsFailuresAndCapsConcurrency: PlatformRule = {
  id: 'PLATFORM.SQS.2',
  description: 'An SQS event source mapping reports batch item failures and sets MaximumConcurrency',
  check: ({ templates }) =>
    sqsMappings(templates).flatMap(({ service, mappingId, properties }) => {
      const problems: string[] = [];
      const responseTypes = properties.FunctionResponseTypes;
      if (!Array.isArray(responseTypes) || !responseTypes.includes('ReportBatchItemFailures')) {
        problems.push(
          'FunctionResponseTypes does not include "ReportBatchItemFailures"; one failed record would make the whole batch retry',
        );
      }
      const concurrency = (properties.ScalingConfig as { MaximumConcurrency?: unknown } | undefined)
        ?.MaximumConcurrency;
      if (concurrency === undefined) {
        problems.push(
          'ScalingConfig.MaximumConcurrency is not set; expected a cap sized to what the consumer writes to (e.g. the database connection budget)',
        );
      }
      return problems.map((problem) => platformFinding('PLATFORM.SQS.2', service, mappingId, problem));
    }),
};

export const redriveToleratesThrottlingAndKeepsMessages: PlatformRule = {
  id: 'PLATFORM.SQS.3',
  description:
    'A redrive policy has maxReceiveCount >= 5 and its dead-letter queue keeps messages longer than the source',
  check: ({ templates }) =>
    Object.entries(templates).flatMap(([service, template]) =>
      Object.entries(resourcesOfType(template, 'AWS::SQS::Queue')).flatMap(([queueId, queue]) => {
        const redrive = queue.Properties?.RedrivePolicy as
          | { maxReceiveCount?: unknown; deadLetterTargetArn?: unknown }
          | undefined;
        if (!redrive) return [];
        const findings: Finding[] = [];
        const maxReceiveCount = Number(redrive.maxReceiveCount);
        if (!(maxReceiveCount >= MIN_MAX_RECEIVE_COUNT)) {
          findings.push(
            platformFinding(
              'PLATFORM.SQS.3',
              service,
              queueId,
              `RedrivePolicy.maxReceiveCount is ${JSON.stringify(redrive.maxReceiveCount)}; expected at least ${MIN_MAX_RECEIVE_COUNT}, so throttled receives do not dead-letter good messages`,
            ),
          );
        }
        const deadLetterId = referencedLogicalId(redrive.deadLetterTargetArn);
        const deadLetter = deadLetterId ? template.Resources[deadLetterId] : undefined;
        if (deadLetter?.Type === 'AWS::SQS::Queue') {
          const source = Number(queue.Properties?.MessageRetentionPeriod ?? DEFAULT_RETENTION_SECONDS);
          const kept = Number(deadLetter.Properties?.MessageRetentionPeriod ?? DEFAULT_RETENTION_SECONDS);
          if (kept <= source) {
            findings.push(
              platformFinding(
                'PLATFORM.SQS.3',
                service,
                queueId,
                `dead-letter queue ${deadLetterId} keeps messages ${kept} s; expected more than this queue's ${source} s (SQS keeps the original enqueue time when it dead-letters a message)`,
              ),
            );
          }
        }
        return findings;
      }),
    ),
};

/** The integrations service's platform rules, as the checks find them through the compose file (tools/src/checks/platform-rules.ts). */
export const rules: PlatformRule[] = [
  visibilityTimeoutCoversConsumer,
  sqsMappingReportsFailuresAndCapsConcurrency,
  redriveToleratesThrottlingAndKeepsMessages,
];
