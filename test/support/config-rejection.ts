/** Test helper: the `ConfigError` that `parseBridgeConfig` throws for an input. */
import { parseBridgeConfig } from '../../shared/config/index.js';
import { ConfigError } from '../../shared/errors.js';

export function configRejection(input: unknown): ConfigError {
  try {
    parseBridgeConfig(input);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('the config was accepted');
}
