/**
 * No Docker engine runs here, so the Dockerfile is checked the way a reviewer would: multi-stage,
 * a non-root numeric USER in a runtime stage without shell steps, no HEALTHCHECK (ECS owns it), no
 * credentials in ENV or ARG, the same build the tests run, and a build context (what
 * Dockerfile.dockerignore lets through) holding exactly what the COPY steps need and no secrets.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../cli/image';
import { buildEngineApp } from '../cli/image/build';
import { buildContextFiles, dockerignore } from '../stack/image-inputs';

const ENGINE = join(REPO_ROOT, 'services/engine');

interface Instruction {
  keyword: string;
  args: string;
}

/** Instructions of a Dockerfile: comments dropped, `\` continuations joined. */
const parseDockerfile = (text: string): Instruction[] =>
  text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });

/** The instructions of each stage (a stage starts at FROM). */
const stagesOf = (instructions: Instruction[]): Instruction[][] => {
  const stages: Instruction[][] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') stages.push([]);
    stages.at(-1)?.push(instruction);
  }
  return stages;
};

const instructions = parseDockerfile(readFileSync(join(ENGINE, 'Dockerfile'), 'utf8'));
const stages = stagesOf(instructions);
const runtime = stages.at(-1) ?? [];
const inContext = dockerignore(readFileSync(join(ENGINE, 'Dockerfile.dockerignore'), 'utf8'));
/** What the build is sent: the same walk the image's content tag hashes. */
const context = buildContextFiles(REPO_ROOT);

describe('engine Dockerfile', () => {
  it('builds in one stage on the builder platform and runs in a distroless Node.js stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages[0]?.[0]?.args).toMatch(
      /^--platform=\$BUILDPLATFORM node:\$\{NODE_MAJOR\}-alpine AS build$/,
    );
    expect(runtime[0]?.args).toMatch(/^gcr\.io\/distroless\/nodejs\$\{NODE_MAJOR\}-debian12:nonroot/);
  });

  it('runs as a non-root numeric user, with no shell steps in the runtime stage and no HEALTHCHECK', () => {
    const users = runtime
      .filter((instruction) => instruction.keyword === 'USER')
      .map((instruction) => instruction.args);
    expect(users).toHaveLength(1);
    expect(users[0]).toMatch(/^[1-9]\d*(?::[1-9]\d*)?$/);
    expect(runtime.filter((instruction) => instruction.keyword === 'RUN')).toEqual([]);
    expect(instructions.filter((instruction) => instruction.keyword === 'HEALTHCHECK')).toEqual([]);
  });

  it('puts no credentials in ENV or ARG', () => {
    const settings = instructions.filter((instruction) => ['ENV', 'ARG'].includes(instruction.keyword));
    expect(settings.length).toBeGreaterThan(0);
    for (const { args } of settings)
      expect(args).not.toMatch(/PASSWORD|SECRET|TOKEN|ACCESS_KEY|CREDENTIAL|DATABASE_URL|AKIA[0-9A-Z]{12}/i);
  });

  it('runs the build the tests run and starts the bundle it produces, trusting the RDS CAs it ships', () => {
    const text = instructions.map((instruction) => `${instruction.keyword} ${instruction.args}`).join('\n');
    expect(text).toContain('RUN node services/engine/cli/image/build.ts /out/app');
    expect(text).toContain('COPY --from=build /out/app/ /app/');
    expect(text).toContain('CMD ["--enable-source-maps", "/app/main.mjs"]');
    expect(text).toContain('NODE_EXTRA_CA_CERTS=/etc/ssl/certs/rds-global-bundle.pem');
    expect(text).toContain(
      'COPY --from=build /out/certs/rds-global-bundle.pem /etc/ssl/certs/rds-global-bundle.pem',
    );
    expect(text).toMatch(
      /ADD --chmod=444 https:\/\/truststore\.pki\.rds\.amazonaws\.com\/global\/global-bundle\.pem /,
    );
  });

  it('copies only paths that exist and that the build context lets through', () => {
    const sources = instructions
      .filter((instruction) => instruction.keyword === 'COPY' && !instruction.args.startsWith('--from'))
      .flatMap((instruction) => instruction.args.split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) {
      expect(existsSync(join(REPO_ROOT, source)), source).toBe(true);
      expect(
        context.some((file) => file === source || file.startsWith(`${source.replace(/\/$/, '')}/`)),
        `${source} reaches the build context`,
      ).toBe(true);
    }
  });

  it('sends every source file the bundle is made of, and no shared module the app does not import', async () => {
    // Act: the same build the image runs, into a scratch folder.
    const bundle = await buildEngineApp(mkdtempSync(join(tmpdir(), 'engine-bundle-')));
    const sources = bundle.inputs
      .map((file) => relative(REPO_ROOT, resolve(file)))
      .filter((file) => !file.includes('node_modules/'));

    // Assess
    expect(sources).toEqual(
      expect.arrayContaining(['services/engine/src/main.ts', 'shared/src/events/index.ts']),
    );
    expect(sources.filter((file) => !context.includes(file))).toEqual([]);
    expect(context.filter((file) => file.startsWith('shared/src/') && !file.endsWith('.ts'))).toEqual([]);
    expect(context).not.toContain('shared/src/profiles/stages.ts');
  });

  it('sends a small context: the manifests, shared sources and the app sources, nothing else', () => {
    const allowed =
      /^(package(-lock)?\.json|(shared|resources|serverless-plugin|local|testing|tools|services\/engine)\/package\.json|shared\/src\/.+|services\/engine\/(cli\/image\/build\.ts|src\/.+))$/;
    expect(context.filter((file) => !allowed.test(file))).toEqual([]);
    expect(context).toEqual(expect.arrayContaining(['package-lock.json', 'services/engine/src/main.ts']));
    expect(context.filter((file) => file.includes('/tests/'))).toEqual([]);
  });

  it.each([
    '.env',
    '.git/config',
    'node_modules/pg/package.json',
    'shared/src/.env.local',
    'services/engine/src/dev-key.pem',
    'services/engine/src/node_modules/x.js',
    '.serverless/state.dev.json',
    'services/network/serverless.ts',
  ])('keeps %s out of the build context', (path) => {
    expect(inContext(path)).toBe(false);
  });
});
