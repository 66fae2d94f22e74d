/**
 * What a test reads back from a queue: every message on it now, received and hidden for a minute (so a
 * second receive does not see them again). Bounded, so a runaway producer fails the test instead of
 * hanging it.
 */
import { type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

export const drainQueue = async (sqs: SQSClient, queueUrl: string, rounds = 20): Promise<Message[]> => {
  const messages: Message[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 60,
        WaitTimeSeconds: 0,
      }),
    );
    if (Messages.length === 0) return messages;
    messages.push(...Messages);
  }
  throw new Error(`more than ${rounds * 10} messages on ${queueUrl}; expected a handful`);
};
