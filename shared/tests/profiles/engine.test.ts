/** The engine section's image settings: CPU architecture and ECR repository name, with one-line errors. */
import { describe, expect, it } from 'vitest';
import { stageProfiles } from '../../src/profiles';
import { problemsOf, withDev } from '../helpers/profiles';

const withEngine = (changes: Record<string, unknown>) => withDev('engine', changes);

describe('engine profile: image settings', () => {
  it('accepts both Fargate architectures and nested repository names', () => {
    // Act
    const problems = [
      ...problemsOf(withEngine({ cpuArchitecture: 'X86_64' })),
      ...problemsOf(withEngine({ imageRepository: 'studio/game.engine_v2' })),
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

  it.each(['Game-Engine', 'game//engine', '-engine', 'e', 'game engine', `x${'a'.repeat(256)}`])(
    'rejects the repository name %j with what ECR accepts',
    (name) => {
      // Act
      const problems = problemsOf(withEngine({ imageRepository: name }));

      // Assess
      expect(problems).toEqual([
        expect.stringMatching(
          /^stage profile "dev": engine\.imageRepository is ".*"; expected an ECR repository name of 2-256 characters/,
        ),
      ]);
    },
  );

  it('requires both settings in every profile', () => {
    // Prepare
    const { cpuArchitecture: _, ...engine } = stageProfiles.prod.engine;

    // Act
    const problems = problemsOf({ ...stageProfiles, prod: { ...stageProfiles.prod, engine } });

    // Assess
    expect(problems).toEqual([
      expect.stringMatching(/^stage profile "prod": engine\.cpuArchitecture is missing; expected/),
    ]);
  });
});
