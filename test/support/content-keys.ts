/** A fixed content key ring for tests: keyed hashes stay stable from run to run. */
import { ContentKey, ContentKeyRing } from '../../shared/engine/content-key.js';

export const TEST_KEY_ID = 'test-k1';

export const TEST_KEYS = new ContentKeyRing(
  new ContentKey(TEST_KEY_ID, 'test content key material, not a secret: 0123456789'),
);
