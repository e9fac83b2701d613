import { describe, expect, it } from 'vitest';
import { PublishError } from '../../shared/errors.js';
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

  it('fails the requested number of calls without delivering anything, then recovers', async () => {
    const publisher = new RecordingPublisher();
    publisher.failNextCalls(2);

    await expect(publisher.publish(events(2))).rejects.toBeInstanceOf(PublishError);
    await expect(publisher.publish(events(2))).rejects.toBeInstanceOf(PublishError);
    await publisher.publish(events(2));

    expect(publisher.events).toHaveLength(2);
    expect(publisher.calls).toBe(3);
  });

  it('delivers all but the last n events of a partially failing call and throws', async () => {
    const publisher = new RecordingPublisher();
    const batch = events(5);
    publisher.failNextEntries(2);

    await expect(publisher.publish(batch)).rejects.toBeInstanceOf(PublishError);

    expect(publisher.events).toEqual(batch.slice(0, 3));
  });
});
