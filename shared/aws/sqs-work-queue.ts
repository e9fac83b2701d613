/** `WorkQueue` on SQS: batches of ten, entries SQS did not take sent again (three tries in all). */
import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { BridgeError } from '../errors.js';
import { encodeWork, type Work, type WorkQueue } from '../fleet/work-queue.js';

const BATCH = 10;
const ATTEMPTS = 3;
/** SQS's longest delivery delay. */
const MAX_DELAY_SECONDS = 900;

export class SqsWorkQueue implements WorkQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(items: readonly { readonly work: Work; readonly delayMs: number }[]): Promise<void> {
    for (let start = 0; start < items.length; start += BATCH) {
      let entries: SendMessageBatchRequestEntry[] = items.slice(start, start + BATCH).map((item, index) => ({
        Id: String(index),
        MessageBody: encodeWork(item.work),
        DelaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.floor(item.delayMs / 1000))),
      }));
      for (let attempt = 1; entries.length > 0; attempt += 1) {
        const result = await this.client.send(
          new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }),
        );
        const failed = new Set((result.Failed ?? []).map((failure) => failure.Id));
        entries = entries.filter((entry) => failed.has(entry.Id));
        if (entries.length > 0 && attempt >= ATTEMPTS) {
          const codes = [...new Set((result.Failed ?? []).map((failure) => failure.Code))].join(', ');
          throw new BridgeError(
            `SQS refused ${entries.length} work message(s) after ${ATTEMPTS} tries (${codes}); the next tick hands those accounts out again`,
          );
        }
      }
    }
  }
}
