/**
 * The engine section of the stage profiles: image settings, the Fargate task size, scaling bounds,
 * secrets and the database connection budget, each rejected with one line naming the key, the value
 * and what is allowed. Facts of the image (health check, container port, stop timeout, the repository
 * name pattern) are the engine service's, not a profile's: services/engine/tests.
 */
import { describe, expect, it } from 'vitest';
import {
  describeFargateMemoryOptions,
  FARGATE_CPU_UNITS,
  fargateMemoryOptions,
  isFargateTaskSize,
  stageProfiles,
} from '../../src/profiles';
import { problemsOf } from '../helpers/profiles';

type ProfileName = keyof typeof stageProfiles;

/** The checked-in profiles with some engine settings of one profile (dev by default) replaced. */
const withEngine = (engine: Record<string, unknown>, name: ProfileName = 'dev') => ({
  ...stageProfiles,
  [name]: { ...stageProfiles[name], engine: { ...stageProfiles[name].engine, ...engine } },
});

describe('engine profile: image settings', () => {
  it('accepts both Fargate architectures, an image tag, and a fixed repository name outside the fallback profile', () => {
    // Act
    const problems = [
      ...problemsOf(withEngine({ cpuArchitecture: 'X86_64' })),
      ...problemsOf(withEngine({ imageRepository: 'studio/game.engine_v2' }, 'prod')),
      ...problemsOf(withEngine({ imageRepository: 'studio/{stage}/engine' })),
      ...problemsOf(withEngine({ imageTag: 'git-0123456789ab' })),
    ];

    // Assess
    expect(problems).toEqual([]);
  });

  it('rejects an unknown architecture, naming the key, the value and the allowed values', () => {
    // Act
    const problems = problemsOf(withEngine({ cpuArchitecture: 'arm64' }));

    // Assess
    expect(problems).toEqual([
      'stage profile "dev": engine.cpuArchitecture is "arm64"; expected one of "ARM64", "X86_64"',
    ]);
  });

  it.each([
    'Game-Engine',
    'game//engine',
    '-engine',
    'e',
    'game engine',
    `x${'a'.repeat(256)}`,
    'game-{env}',
  ])('rejects the repository name %j with what ECR accepts', (name) => {
    // Act
    const problems = problemsOf(withEngine({ imageRepository: name }, 'prod'));

    // Assess
    expect(problems).toEqual([
      expect.stringMatching(
        /^stage profile "prod": engine\.imageRepository is ".*"; expected an ECR repository name of 2-256 characters.*where \{stage\} stands for the stage name$/,
      ),
    ]);
  });

  it('requires {stage} in the fallback profile, whose repository every sandbox stage would otherwise share', () => {
    // Act
    const problems = problemsOf(withEngine({ imageRepository: 'game-engine' }));

    // Assess
    expect(problems).toEqual([
      'stage profile "dev": engine.imageRepository is "game-engine"; expected a name containing {stage} such as "game-{stage}-engine", because every stage without a profile of its own uses this one and each stage has a repository of its own',
    ]);
  });

  it('accepts a promotion from another stage with a profile, on the same architecture and region', () => {
    // Act
    const problems = problemsOf(withEngine({ promoteFrom: 'staging' }, 'prod'));

    // Assess
    expect(problems).toEqual([]);
  });

  it.each([
    [
      'itself',
      withEngine({ promoteFrom: 'prod' }, 'prod'),
      'stage profile "prod": engine.promoteFrom is "prod"; expected another stage with a profile of its own (dev, staging), or null to build from source',
    ],
    [
      'a sandbox stage without a profile',
      withEngine({ promoteFrom: 'alice' }, 'prod'),
      'stage profile "prod": engine.promoteFrom is "alice"; expected another stage with a profile of its own (dev, staging), or null to build from source',
    ],
    [
      'a stage on another CPU architecture',
      withEngine({ cpuArchitecture: 'X86_64', promoteFrom: 'staging' }, 'prod'),
      'stage profile "prod": engine.promoteFrom is "staging", whose engine.cpuArchitecture is ARM64; expected a stage on X86_64 like this one, because the promoted image is built for one architecture',
    ],
    [
      'a stage promoted from this one',
      {
        ...withEngine({ promoteFrom: 'staging' }, 'prod'),
        staging: {
          ...stageProfiles.staging,
          engine: { ...stageProfiles.staging.engine, promoteFrom: 'prod' },
        },
      },
      'stage profile "prod": engine.promoteFrom is "staging", which is promoted from "prod"; expected a chain that ends in a stage that builds (promoteFrom null)',
    ],
    [
      'a name that is no stage name',
      withEngine({ promoteFrom: 'Staging' }, 'prod'),
      'stage profile "prod": engine.promoteFrom is "Staging"; expected the name of another stage with a profile of its own (or null)',
    ],
  ])('rejects a promotion from %s, saying what is expected', (_what, profiles, message) => {
    // Act
    const problems = problemsOf(profiles);

    // Assess
    expect(problems).toContain(message);
  });

  it.each(['latest', '.hidden', 'v1 2', ''])('rejects the image tag %j', (tag) => {
    // Act
    const problems = problemsOf(withEngine({ imageTag: tag }));

    // Assess
    expect(problems).toEqual([
      expect.stringMatching(/^stage profile "dev": engine\.imageTag is ".*"; expected an image tag of 1-128/),
    ]);
  });

  it('requires every engine setting but the repository override in every profile', () => {
    // Prepare
    const { cpuArchitecture: _, ...engine } = stageProfiles.prod.engine;

    // Act
    const problems = problemsOf({ ...stageProfiles, prod: { ...stageProfiles.prod, engine } });

    // Assess
    expect(problems).toEqual([
      expect.stringMatching(/^stage profile "prod": engine\.cpuArchitecture is missing; expected/),
    ]);
  });

  it.each([
    ['containerPort', 8080],
    ['healthCheck', { command: ['CMD', '/nodejs/bin/node', '/app/healthcheck.mjs'] }],
    ['stopTimeoutSeconds', 30],
  ])(
    'refuses %s, a fact of the engine service rather than a stage setting, naming the keys it knows',
    (key, value) => {
      // Act
      const problems = problemsOf(withEngine({ [key]: value }));

      // Assess
      expect(problems).toEqual([
        expect.stringMatching(
          new RegExp(
            `^stage profile "dev": engine\\.${key} is not a known setting; expected one of the keys of engine: cpuArchitecture, imageRepository, .*, secrets$`,
          ),
        ),
      ]);
    },
  );
});

describe('engine profile: Fargate task size', () => {
  it('knows the pairs Fargate documents, e.g. 0.25 vCPU with 0.5-2 GiB and 16 vCPU in 8 GiB steps', () => {
    // Act and assess
    expect(FARGATE_CPU_UNITS).toEqual([256, 512, 1024, 2048, 4096, 8192, 16384]);
    expect(fargateMemoryOptions(256)).toEqual([512, 1024, 2048]);
    expect(fargateMemoryOptions(512)).toEqual([1024, 2048, 3072, 4096]);
    expect(fargateMemoryOptions(4096)).toHaveLength(23);
    expect(fargateMemoryOptions(8192)).toEqual([
      16384, 20480, 24576, 28672, 32768, 36864, 40960, 45056, 49152, 53248, 57344, 61440,
    ]);
    expect(fargateMemoryOptions(16384).at(-1)).toBe(122880);
    expect([
      isFargateTaskSize(1024, 3072),
      isFargateTaskSize(1024, 1024),
      isFargateTaskSize(300, 512),
    ]).toEqual([true, false, false]);
  });

  it('rejects a memory value Fargate does not accept with the CPU, listing the ones it does', () => {
    // Act
    const problems = problemsOf(withEngine({ cpu: 256, memoryMiB: 4096 }));

    // Assess
    expect(problems).toEqual([
      'stage profile "dev": engine.memoryMiB is 4096; expected a value Fargate accepts with engine.cpu 256: 512, 1024-2048 in steps of 1024',
    ]);
    expect(describeFargateMemoryOptions(8192)).toBe('16384-61440 in steps of 4096');
  });

  it('rejects a CPU value Fargate does not offer', () => {
    // Act
    const problems = problemsOf(withEngine({ cpu: 768 }));

    // Assess
    expect(problems).toEqual([
      'stage profile "dev": engine.cpu is 768; expected one of the CPU values Fargate accepts (256, 512, 1024, 2048, 4096, 8192, 16384)',
    ]);
  });
});

describe('engine profile: scaling, health check, shutdown, secrets', () => {
  it('needs two tasks at rest in production, one per AZ', () => {
    // Act
    const problems = problemsOf(withEngine({ minCount: 1 }, 'prod'));

    // Assess
    expect(problems).toEqual([
      'stage profile "prod": engine.minCount is 1; expected at least 2 because the profile is production (one task per AZ, so a task or an AZ can fail without an outage)',
    ]);
  });

  it('accepts secrets as variable name -> full secret ARN, with or without a JSON key', () => {
    // Act
    const problems = problemsOf(
      withEngine({
        secrets: {
          API_TOKEN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:game/api-token-AbC123',
          PARTNER_KEY: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:partner-Zz9Yy8:key::',
        },
      }),
    );

    // Assess
    expect(problems).toEqual([]);
  });

  it('rejects a secret given as a plain value or a partial ARN, and a lowercase variable name', () => {
    // Act
    const problems = problemsOf(
      withEngine({
        secrets: {
          API_TOKEN: 's3cr3t',
          PARTIAL: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:game/api-token',
          api_token: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:game/api-token-AbC123',
        },
      }),
    );

    // Assess
    expect(problems).toEqual([
      'stage profile "dev": engine.secrets.API_TOKEN is "s3cr3t"; expected a full Secrets Manager secret ARN such as "arn:aws:secretsmanager:eu-west-1:123456789012:secret:game/api-token-AbC123"',
      'stage profile "dev": engine.secrets.PARTIAL is "arn:aws:secretsmanager:eu-west-1:123456789012:secret:game/api-token"; expected a full Secrets Manager secret ARN such as "arn:aws:secretsmanager:eu-west-1:123456789012:secret:game/api-token-AbC123"',
      'stage profile "dev": engine.secrets.api_token is "api_token"; expected an environment variable name in SCREAMING_CASE, e.g. API_TOKEN',
    ]);
  });

  it('keeps the engine pools within the database connections the consumer and RDS leave', () => {
    // Act: dev allows 80 connections; the consumer budgets 4, 10 are kept aside, so 2 tasks may hold
    // 33 each: 32 in the pool and the one listening for leaderboard changes.
    const problems = problemsOf(withEngine({ databasePoolMax: 33 }));

    // Assess
    expect(problems).toEqual([
      'stage profile "dev": engine.databasePoolMax is 33; expected at most 32, because engine.maxCount (2) tasks x (engine.databasePoolMax + 1 connection listening for leaderboard changes) must fit datastore.maxConnections (80) minus integrations.databaseConnectionBudget (4) minus 10 for RDS, the migration runner and operators',
    ]);
  });
});

describe('engine profile: how releases replace the tasks', () => {
  it('accepts rolling, and blue/green with a bake time', () => {
    // Act
    const problems = [
      ...problemsOf(withEngine({ deployment: { strategy: 'ROLLING' } }, 'prod')),
      ...problemsOf(withEngine({ deployment: { strategy: 'BLUE_GREEN', bakeTimeMinutes: 30 } })),
    ];

    // Assess
    expect(problems).toEqual([]);
  });

  it.each([
    [
      'an unknown strategy',
      { strategy: 'CANARY' },
      'stage profile "dev": engine.deployment.strategy is "CANARY"; expected an object with "strategy": "ROLLING" or "BLUE_GREEN" (BLUE_GREEN also needs bakeTimeMinutes)',
    ],
    [
      'blue/green without a bake time',
      { strategy: 'BLUE_GREEN' },
      'stage profile "dev": engine.deployment.bakeTimeMinutes is missing; expected a value (every key is required: strategy, bakeTimeMinutes)',
    ],
    [
      'a bake shorter than the release alarms need to fire',
      { strategy: 'BLUE_GREEN', bakeTimeMinutes: 2 },
      'stage profile "dev": engine.deployment.bakeTimeMinutes is 2; expected an integer from 5 to 1440',
    ],
    [
      'a bake time on a rolling stage, where it would be ignored',
      { strategy: 'ROLLING', bakeTimeMinutes: 10 },
      'stage profile "dev": engine.deployment.bakeTimeMinutes is not a known setting; expected one of the keys of engine.deployment: strategy',
    ],
  ])('rejects %s in one line', (_, deployment, message) => {
    // Act
    const problems = problemsOf(withEngine({ deployment }));

    // Assess
    expect(problems).toEqual([message]);
  });
});
