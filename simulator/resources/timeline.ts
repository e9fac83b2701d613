/** Placing generated records in the simulated history. */
import { formatTimestamp } from '../clock.js';
import type { GenerateContext } from './model.js';

/** An `updated_at` at or after `createdAt` (often equal, sometimes days later), never after now. */
export function updatedAfter(createdAt: string, ctx: GenerateContext): string {
  if (ctx.random.chance(0.6)) return createdAt;
  const created = Date.parse(createdAt);
  const later = created + ctx.random.int(1, 60 * 24 * 3600) * 1000;
  return later >= ctx.nowMs ? createdAt : formatTimestamp(later);
}

/** A timestamp `seconds` after `from`. */
export function plusSeconds(from: string, seconds: number): string {
  return formatTimestamp(Date.parse(from) + seconds * 1000);
}
