/**
 * Adapter: what the image step and the rollback ask of AWS (STS, ECR, ECS), with the SDK's default
 * credential chain and region. The endpoints follow the SDK's `AWS_ENDPOINT_URL_<SERVICE>`
 * variables, which the tests point at local stand-ins.
 */
import {
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  ImageNotFoundException,
  PutLifecyclePolicyCommand,
  RepositoryNotFoundException,
} from '@aws-sdk/client-ecr';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { resourceName } from '@game-platform/resources';
import { CONTAINER_NAME } from '../../stack/task-definition';
import { ImageCommandError } from './plan';
import { LIFECYCLE_POLICY, repositorySettings } from './repository';

export interface Registry {
  /** Rejects with the SDK's message when no credentials are found. */
  checkCredentials(): Promise<void>;
  account(): Promise<string>;
  /** `false` when the repository does not exist; refuses one with mutable tags. */
  repositoryExists(name: string): Promise<boolean>;
  createRepository(name: string, stage: string): Promise<void>;
  applyLifecyclePolicy(name: string): Promise<void>;
  /** The digest of `name:tag`, `null` when the tag is not there. */
  imageDigest(name: string, tag: string): Promise<string | null>;
  /** The image of the engine container that the stage's service runs, `null` when there is no such service. */
  runningImage(stage: string): Promise<string | null>;
  /** Docker's password for the registry (ECR authorization token). */
  loginPassword(): Promise<string>;
}

export const awsRegistry = (region: string): Registry => {
  const sts = new STSClient({ region });
  const ecr = new ECRClient({ region });
  const ecs = new ECSClient({ region });
  return {
    checkCredentials: async () => {
      await sts.config.credentials();
    },
    account: async () => {
      const { Account } = await sts.send(new GetCallerIdentityCommand({}));
      if (!Account) throw new ImageCommandError('STS GetCallerIdentity returned no account id');
      return Account;
    },
    repositoryExists: async (name) => {
      try {
        const { repositories } = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }));
        if (repositories?.[0]?.imageTagMutability !== 'IMMUTABLE')
          throw new ImageCommandError(
            `ECR repository ${name} has mutable tags; expected IMMUTABLE, because a tag must name one build for the content tags, promotions and rollbacks (aws ecr put-image-tag-mutability --repository-name ${name} --image-tag-mutability IMMUTABLE)`,
          );
        return true;
      } catch (error) {
        if (error instanceof RepositoryNotFoundException) return false;
        throw error;
      }
    },
    createRepository: async (name, stage) => {
      const settings = repositorySettings(stage);
      await ecr.send(
        new CreateRepositoryCommand({
          repositoryName: name,
          imageTagMutability: settings.imageTagMutability,
          imageScanningConfiguration: settings.imageScanningConfiguration,
          encryptionConfiguration: settings.encryptionConfiguration,
          tags: settings.tags,
        }),
      );
    },
    applyLifecyclePolicy: async (name) => {
      await ecr.send(
        new PutLifecyclePolicyCommand({
          repositoryName: name,
          lifecyclePolicyText: JSON.stringify(LIFECYCLE_POLICY),
        }),
      );
    },
    imageDigest: async (name, tag) => {
      try {
        const { imageDetails } = await ecr.send(
          new DescribeImagesCommand({ repositoryName: name, imageIds: [{ imageTag: tag }] }),
        );
        return imageDetails?.[0]?.imageDigest ?? null;
      } catch (error) {
        if (error instanceof ImageNotFoundException || error instanceof RepositoryNotFoundException)
          return null;
        throw error;
      }
    },
    runningImage: async (stage) => {
      const name = resourceName(stage, 'engine');
      const { services } = await ecs.send(new DescribeServicesCommand({ cluster: name, services: [name] }));
      const taskDefinition = services?.find((service) => service.status === 'ACTIVE')?.taskDefinition;
      if (!taskDefinition) return null;
      const described = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }));
      const container = described.taskDefinition?.containerDefinitions?.find(
        (c) => c.name === CONTAINER_NAME,
      );
      return container?.image ?? null;
    },
    loginPassword: async () => {
      const { authorizationData } = await ecr.send(new GetAuthorizationTokenCommand({}));
      const token = authorizationData?.[0]?.authorizationToken;
      if (!token) throw new ImageCommandError('ECR GetAuthorizationToken returned no token');
      // The token is base64 "AWS:<password>"; the password goes to docker through stdin, never argv.
      return Buffer.from(token, 'base64').toString('utf8').replace(/^AWS:/, '');
    },
  };
};
