/** Synthetic change events for publisher tests (no real patient data). */
import type { ChangeEvent } from '../../../shared/events/contract.js';

export function syntheticEvent(
  index: number,
  options: { entity?: string; filler?: number | undefined } = {},
): ChangeEvent {
  const entity = options.entity ?? 'patient';
  const type = `${entity}.updated`;
  const recordId = String(1000 + index);
  return {
    version: '0',
    id: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    'detail-type': type,
    source: 'cliniko.bridge',
    account: '123456789012',
    time: '2026-11-29T10:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: {
      schemaVersion: 1,
      eventId: `evt-${index}`,
      type,
      account: 'test-clinic',
      resource: `${entity}s`,
      recordId,
      sequence: 1,
      occurredAt: '2026-11-29T10:00:00Z',
      observedAt: '2026-11-29T10:00:05.000Z',
      signals: [],
      changes: { fields: ['notes'] },
      data: { id: recordId, notes: 'x'.repeat(options.filler ?? 8) },
    },
  };
}
