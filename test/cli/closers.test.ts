import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { closeAll } from '../../cli/closers.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('closeAll', () => {
  it('closes in reverse order, goes on past a failure and names its cause', async () => {
    const closed: string[] = [];
    const err = capture();
    const failure = Object.assign(new Error('SENTINEL'), {
      code: 'EBUSY',
      syscall: 'rmdir',
      path: '/tmp/state',
    });

    await closeAll(
      [
        () => {
          closed.push('first');
        },
        async () => {
          throw failure;
        },
        () => {
          closed.push('third');
        },
      ],
      err.stream,
    );

    expect(closed).toEqual(['third', 'first']);
    expect(err.text()).toBe(
      'A resource did not close cleanly (Error EBUSY (syscall rmdir, path /tmp/state)); state is safe up to the last checkpoint.\n',
    );
  });
});
