/** The console line of an event that a `DataClassGate` withheld fields of. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataClass } from '../../../shared/data-classes.js';
import { withholdFields } from '../../../shared/events/withhold.js';
import { formatConsoleLine } from '../../../shared/sinks/console-sink.js';
import { sampleEvent } from './sample-events.js';

// The time column is local time: pin the zone. The sample events happen on 2026-11-29 (UTC).
const SAME_DAY = Date.parse('2026-11-29T18:00:00Z');
let savedTz: string | undefined;
beforeAll(() => {
  savedTz = process.env.TZ;
  process.env.TZ = 'UTC';
});
afterAll(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

describe('ConsoleSink behind a gate that withholds data classes', () => {
  it('counts changed fields a gate withheld instead of naming them, and says which classes it withheld', () => {
    const partly = withholdFields(sampleEvent(), new Set<DataClass>(['operational']));
    const event = sampleEvent();
    const some = {
      ...event,
      detail: {
        ...event.detail,
        changes: { fields: ['email'] },
        withheld: { classes: ['phi' as const], changedFields: 1 },
      },
    };

    expect(formatConsoleLine(partly, false, SAME_DAY)).toMatch(
      /patients\/1390726237298631770 +fields: 2 withheld {2}\(personal and phi fields withheld\)$/,
    );
    expect(formatConsoleLine(some, false, SAME_DAY)).toMatch(
      /fields: email \(\+1 withheld\) {2}\(phi fields withheld\)$/,
    );
    expect(formatConsoleLine(partly, false, SAME_DAY)).not.toContain('email');
  });
});
