/**
 * How large one event may be before its payload is left out (`payloadOmitted: "size"`), per kind of
 * destination.
 *
 * EventBridge: 1 MB per PutEvents entry (and per request). AWS raised it from 256 KB in January 2026
 * for event buses, SQS and asynchronous Lambda; the AWS SDK's own PutEvents documentation (the
 * service model, `@aws-sdk/client-eventbridge` 3.1169.0) says "the total entry size must be less
 * than 1MB". Counted here as 1 MiB, as 256 KB always was 262,144 bytes.
 *
 * A webhook receiver keeps the old 256 KB: many HTTP front ends refuse larger bodies, and a 413 would
 * stop the stream (the webhook sink never drops an event).
 */
export const EVENTBRIDGE_MAX_ENTRY_BYTES = 1024 * 1024;
export const WEBHOOK_MAX_ENTRY_BYTES = 256 * 1024;
