/**
 * The stage profiles: the one place where stages differ. A stage whose name is not a key
 * here (a feature branch, a developer's sandbox) uses `FALLBACK_PROFILE`.
 *
 * To add a stage, add a key with a full profile (copy the closest one); `npm test` synthesizes
 * and checks every profile listed in `CHECKED_PROFILES`. README: "How to add a stage".
 */
import type { StageProfileInput } from './schema';

/** Profile used by any stage name not listed below, e.g. `npx serverless deploy --stage alice`. */
export const FALLBACK_PROFILE = 'dev';

export const stageProfiles = {
  dev: {
    region: 'eu-west-1',
    production: false,
    network: { vpcCidr: '10.20.0.0/16', azCount: 2, natMode: 'none', flowLogRetentionDays: 14 },
    observability: { alarmEmail: null, logRetentionDays: 14 },
    datastore: {
      instanceClass: 'db.t4g.micro',
      allocatedStorageGiB: 20,
      maxAllocatedStorageGiB: 50,
      multiAz: false,
      deletionProtection: false,
      backupRetentionDays: 7,
    },
    integrations: {
      batchSize: 10,
      maximumBatchingWindowSeconds: 1,
      functionTimeoutSeconds: 30,
      memorySizeMiB: 256,
      maxReceiveCount: 5,
      messageRetentionDays: 4,
      deadLetterRetentionDays: 14,
      maximumConcurrency: 2,
      databaseConnectionBudget: 4,
      oldestMessageAgeAlarmSeconds: 900,
    },
    engine: { cpu: 256, memoryMiB: 512, desiredCount: 1, minCount: 1, maxCount: 2 },
    frontend: { priceClass: 'PriceClass_100' },
    endpoints: {
      interfaceServices: ['s3', 'sqs', 'secretsmanager', 'ecr.api', 'ecr.dkr', 'logs', 'monitoring'],
    },
  },
  staging: {
    region: 'eu-west-1',
    production: false,
    network: { vpcCidr: '10.21.0.0/16', azCount: 2, natMode: 'single', flowLogRetentionDays: 30 },
    observability: { alarmEmail: null, logRetentionDays: 30 },
    datastore: {
      instanceClass: 'db.t4g.small',
      allocatedStorageGiB: 20,
      maxAllocatedStorageGiB: 100,
      multiAz: false,
      deletionProtection: true,
      backupRetentionDays: 7,
    },
    integrations: {
      batchSize: 25,
      maximumBatchingWindowSeconds: 2,
      functionTimeoutSeconds: 30,
      memorySizeMiB: 256,
      maxReceiveCount: 5,
      messageRetentionDays: 4,
      deadLetterRetentionDays: 14,
      maximumConcurrency: 4,
      databaseConnectionBudget: 10,
      oldestMessageAgeAlarmSeconds: 600,
    },
    engine: { cpu: 512, memoryMiB: 1024, desiredCount: 1, minCount: 1, maxCount: 3 },
    frontend: { priceClass: 'PriceClass_100' },
    endpoints: {
      interfaceServices: ['s3', 'sqs', 'secretsmanager', 'ecr.api', 'ecr.dkr', 'logs', 'monitoring'],
    },
  },
  prod: {
    region: 'eu-west-1',
    production: true,
    network: { vpcCidr: '10.22.0.0/16', azCount: 3, natMode: 'perAz', flowLogRetentionDays: 365 },
    observability: { alarmEmail: null, logRetentionDays: 365 },
    datastore: {
      instanceClass: 'db.m7g.large',
      allocatedStorageGiB: 100,
      maxAllocatedStorageGiB: 1000,
      multiAz: true,
      deletionProtection: true,
      backupRetentionDays: 14,
    },
    integrations: {
      batchSize: 100,
      maximumBatchingWindowSeconds: 2,
      functionTimeoutSeconds: 30,
      memorySizeMiB: 512,
      maxReceiveCount: 5,
      // A week to recover from an outage; the dead-letter queue keeps a message for the maximum, 14.
      messageRetentionDays: 7,
      deadLetterRetentionDays: 14,
      maximumConcurrency: 10,
      // Of the ~900 connections a db.m7g.large allows (8 GiB / 9,531,392 bytes); the engine and the operators keep the rest.
      databaseConnectionBudget: 40,
      oldestMessageAgeAlarmSeconds: 300,
    },
    engine: { cpu: 1024, memoryMiB: 2048, desiredCount: 2, minCount: 2, maxCount: 10 },
    frontend: { priceClass: 'PriceClass_All' },
    endpoints: {
      interfaceServices: [
        's3',
        'sqs',
        'secretsmanager',
        'ecr.api',
        'ecr.dkr',
        'logs',
        'monitoring',
        'kms',
        'sts',
      ],
    },
  },
} satisfies Record<string, StageProfileInput>;

/** Profiles that `npm test` synthesizes and checks: production-only defaults are where mistakes hide. */
export const CHECKED_PROFILES = Object.keys(stageProfiles);
