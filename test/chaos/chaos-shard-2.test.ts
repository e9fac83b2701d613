/** Second half of the chaos scenarios (see chaos-suite.ts); run with `npm run test:chaos`. */
import { defineChaosSuite } from './chaos-suite.js';

defineChaosSuite(1, 2);
