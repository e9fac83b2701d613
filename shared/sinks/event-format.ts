/**
 * What the ndjson and webhook sinks write for one event (`--format`):
 *
 * - `eventbridge` (default): the v1 contract envelope, exactly as EventBridge delivers it.
 * - `cloudevents`: a CloudEvents 1.0 event in structured mode (JSON), for consumers built on the
 *   CloudEvents SDKs, Knative, Dapr, Azure Event Grid and the like:
 *
 *   | attribute         | value                                                                  |
 *   |-------------------|------------------------------------------------------------------------|
 *   | `specversion`     | `"1.0"`                                                                |
 *   | `id`              | `detail.eventId` (deterministic: a re-published event keeps its id)    |
 *   | `source`          | `<envelope source>/<detail.account>`, e.g. `cliniko/main-clinic`       |
 *   | `type`            | the detail-type, e.g. `patient.updated`                                |
 *   | `subject`         | `<resource>/<recordId>`, e.g. `patients/1390726237298631770`           |
 *   | `time`            | `detail.occurredAt` (the envelope `time` is when the change was detected) |
 *   | `datacontenttype` | `"application/json"`                                                   |
 *   | `data`            | the `detail` object, unchanged                                         |
 *
 *   `source` names the configured event source (default `cliniko`, the same value EventBridge rules
 *   match on) and the Cliniko account, so `source` + `id` is unique across accounts as CloudEvents
 *   requires. Over HTTP the body is sent with the structured content type `application/cloudevents+json`.
 */
import { ConfigError } from '../errors.js';
import type { ChangeEvent } from '../events/contract.js';
import { toEnvelope } from './event-json.js';

export const EVENT_FORMATS = ['eventbridge', 'cloudevents'] as const;
export type EventFormat = (typeof EVENT_FORMATS)[number];

/** The `Content-Type` of one event sent over HTTP. */
export const CONTENT_TYPES: Readonly<Record<EventFormat, string>> = {
  eventbridge: 'application/json',
  cloudevents: 'application/cloudevents+json; charset=utf-8',
};

export function parseEventFormat(text: string): EventFormat {
  const format = EVENT_FORMATS.find((candidate) => candidate === text.trim());
  if (format === undefined) {
    throw new ConfigError(
      '--format',
      'expected eventbridge or cloudevents, e.g. --format cloudevents (default: eventbridge, the EventBridge envelope)',
    );
  }
  return format;
}

/** The structured-mode CloudEvent of `event` as plain data, attributes in the table's order. */
export function toCloudEvent(event: ChangeEvent): Record<string, unknown> {
  const envelope = toEnvelope(event);
  const { detail } = event;
  return {
    specversion: '1.0',
    id: detail.eventId,
    source: `${event.source}/${encodeURIComponent(detail.account)}`,
    type: event['detail-type'],
    subject: `${detail.resource}/${detail.recordId}`,
    // When the occurrence happened, as CloudEvents defines `time`; the envelope's is when it was detected.
    time: event.detail.occurredAt,
    datacontenttype: 'application/json',
    data: envelope.detail,
  };
}

/** One event as single-line JSON in `format`. */
export function encodeEvent(event: ChangeEvent, format: EventFormat): string {
  return JSON.stringify(format === 'cloudevents' ? toCloudEvent(event) : toEnvelope(event));
}
