import { describe, expect, it } from 'vitest';
import { syntheticEvent } from '../shared/publish/change-event-fixture.js';
import { RecordingPublisher } from './recording-publisher.js';

const events = (count: number) => Array.from({ length: count }, (_, i) => syntheticEvent(i));

describe('RecordingPublisher', () => {
  it('records published events in order across calls', async () => {
    const publisher = new RecordingPublisher();
    const [first, second, third] = events(3);
    if (!first || !second || !third) throw new Error('fixture');

    await publisher.publish([first, second]);
    await publisher.publish([third]);

    expect(publisher.events.map((e) => e.id)).toEqual([first.id, second.id, third.id]);
    expect(publisher.calls).toBe(2);
  });
});
