/**
 * One local HTTP server answering like the AWS APIs the release commands call, through the real
 * SDK clients (`AWS_ENDPOINT_URL_STS`, `_ECR`, `_ECS` point here): STS GetCallerIdentity; ECR
 * repositories and images; ECS services and task definitions. It keeps what it was told (a
 * repository created, an image pushed by the docker stand-in through `POST /pushed`, a revision
 * registered, a service updated) and records every call in order.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const STAND_IN_ACCOUNT = '123456789012';

interface Body {
  repositoryNames?: string[];
  repositoryName?: string;
  imageTagMutability?: string;
  imageIds?: Array<{ imageTag?: string; imageDigest?: string }>;
  cluster?: string;
  services?: string[];
  service?: string;
  taskDefinition?: string;
  family?: string;
  containerDefinitions?: Array<{ name: string; image: string }>;
}

export interface TaskDefinitionRecord {
  family: string;
  revision: number;
  taskDefinitionArn: string;
  containerDefinitions: Array<{ name: string; image: string; [key: string]: unknown }>;
  [key: string]: unknown;
}

export interface AwsStandIn {
  server: Server;
  url: string;
  /** Operation names in the order they were called (`registry: pushed repo:tag` for pushes). */
  calls: string[];
  /** Request bodies of CreateRepository, RegisterTaskDefinition and UpdateService. */
  created: Record<string, unknown>[];
  registered: Record<string, unknown>[];
  updated: Record<string, unknown>[];
  repositories: Map<string, { mutability: string; images: Map<string, string> }>;
  /** `family:revision` -> definition. */
  taskDefinitions: Map<string, TaskDefinitionRecord>;
  /** service name -> the task definition ARN it runs. */
  services: Map<string, string>;
}

const arnOf = (family: string, revision: number) =>
  `arn:aws:ecs:eu-west-1:${STAND_IN_ACCOUNT}:task-definition/${family}:${revision}`;

/** Adds a revision of a family and returns its ARN. */
export const addTaskDefinition = (
  aws: AwsStandIn,
  family: string,
  image: string,
  extra: Record<string, unknown> = {},
) => {
  const revision =
    [...aws.taskDefinitions.values()].filter((definition) => definition.family === family).length + 1;
  const definition: TaskDefinitionRecord = {
    family,
    revision,
    taskDefinitionArn: arnOf(family, revision),
    containerDefinitions: [{ name: 'engine', image, readonlyRootFilesystem: true }],
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
    ...extra,
  };
  aws.taskDefinitions.set(`${family}:${revision}`, definition);
  return definition.taskDefinitionArn;
};

export const awsStandIn = async (): Promise<AwsStandIn> => {
  const aws = {
    calls: [] as string[],
    created: [] as Record<string, unknown>[],
    registered: [] as Record<string, unknown>[],
    updated: [] as Record<string, unknown>[],
    repositories: new Map<string, { mutability: string; images: Map<string, string> }>(),
    taskDefinitions: new Map<string, TaskDefinitionRecord>(),
    services: new Map<string, string>(),
  };
  const server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk) => (text += chunk));
    request.on('end', () => {
      const json = (status: number, body: unknown) =>
        response
          .writeHead(status, { 'content-type': 'application/x-amz-json-1.1' })
          .end(JSON.stringify(body));
      const url = new URL(request.url ?? '/', 'http://stand-in');
      if (url.pathname === '/pushed') {
        const name = url.searchParams.get('repository') ?? '';
        const tag = url.searchParams.get('tag') ?? '';
        aws.calls.push(`registry: pushed ${name}:${tag}`);
        aws.repositories.get(name)?.images.set(tag, `sha256:${tag.padEnd(64, '0').slice(0, 64)}`);
        return response.writeHead(204).end();
      }
      const target = String(request.headers['x-amz-target'] ?? '');
      const operation = target ? (target.split('.').pop() ?? '') : 'GetCallerIdentity';
      const body = (text.startsWith('{') ? JSON.parse(text) : {}) as Body;
      aws.calls.push(operation);
      const notFound = (type: string) => json(400, { __type: type, message: `${type} (stand-in)` });
      const byReference = (reference: string) =>
        aws.taskDefinitions.get(reference.split('/').pop() ?? '') ?? aws.taskDefinitions.get(reference);
      switch (operation) {
        case 'GetCallerIdentity':
          if (!target)
            return response
              .writeHead(200, { 'content-type': 'text/xml' })
              .end(
                `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::${STAND_IN_ACCOUNT}:user/release</Arn><UserId>AIDLOCAL</UserId><Account>${STAND_IN_ACCOUNT}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
              );
          return json(200, {
            Account: STAND_IN_ACCOUNT,
            Arn: `arn:aws:iam::${STAND_IN_ACCOUNT}:user/release`,
            UserId: 'AIDLOCAL',
          });
        case 'DescribeRepositories': {
          const name = body.repositoryNames?.[0] ?? '';
          const repository = aws.repositories.get(name);
          if (!repository) return notFound('RepositoryNotFoundException');
          return json(200, {
            repositories: [{ repositoryName: name, imageTagMutability: repository.mutability }],
          });
        }
        case 'CreateRepository':
          aws.created.push(body as Record<string, unknown>);
          aws.repositories.set(body.repositoryName ?? '', {
            mutability: body.imageTagMutability ?? 'MUTABLE',
            images: new Map(),
          });
          return json(200, { repository: { repositoryName: body.repositoryName } });
        case 'PutLifecyclePolicy':
          return json(200, { repositoryName: body.repositoryName });
        case 'DescribeImages': {
          const id = body.imageIds?.[0] ?? {};
          const images = aws.repositories.get(body.repositoryName ?? '')?.images;
          const found = [...(images?.entries() ?? [])].find(
            ([tag, digest]) => tag === id.imageTag || digest === id.imageDigest,
          );
          if (!found) return notFound('ImageNotFoundException');
          return json(200, { imageDetails: [{ imageDigest: found[1], imageTags: [found[0]] }] });
        }
        case 'GetAuthorizationToken':
          return json(200, {
            authorizationData: [{ authorizationToken: Buffer.from('AWS:local-password').toString('base64') }],
          });
        case 'DescribeServices': {
          const name = body.services?.[0] ?? '';
          const taskDefinition = aws.services.get(name);
          if (!taskDefinition)
            return json(200, { services: [], failures: [{ arn: name, reason: 'MISSING' }] });
          return json(200, {
            services: [
              {
                serviceName: name,
                status: 'ACTIVE',
                taskDefinition,
                deployments: [{ status: 'PRIMARY', taskDefinition }],
              },
            ],
          });
        }
        case 'DescribeTaskDefinition': {
          const definition = byReference(body.taskDefinition ?? '');
          if (!definition)
            return json(400, { __type: 'ClientException', message: 'Unable to describe task definition.' });
          return json(200, { taskDefinition: definition, tags: [{ key: 'game:stage', value: 'dev' }] });
        }
        case 'RegisterTaskDefinition': {
          aws.registered.push(body as Record<string, unknown>);
          const image =
            body.containerDefinitions?.find((container) => container.name === 'engine')?.image ?? '';
          const arn = addTaskDefinition(aws as AwsStandIn, body.family ?? '', image);
          return json(200, { taskDefinition: aws.taskDefinitions.get(arn.split('/').pop() ?? '') });
        }
        case 'UpdateService':
          aws.updated.push(body as Record<string, unknown>);
          aws.services.set(body.service ?? '', body.taskDefinition ?? '');
          return json(200, { service: { serviceName: body.service, taskDefinition: body.taskDefinition } });
        default:
          return json(400, { __type: 'InvalidAction', message: `stand-in does not answer ${operation}` });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { ...aws, server, url };
};
