/** The moto endpoint `scripts/test-aws.sh` started; SDK clients pick it up from AWS_ENDPOINT_URL. */
export function requireMotoEndpoint(): string {
  const endpoint = process.env.AWS_ENDPOINT_URL;
  if (endpoint === undefined || !/^http:\/\/127\.0\.0\.1:\d+$/.test(endpoint)) {
    throw new Error('The test:aws tier runs against a local moto server: start it with `npm run test:aws`.');
  }
  return endpoint;
}

/** Unique resource names per run, so reruns against one moto server do not collide. */
export const uniqueName = (prefix: string): string =>
  `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
