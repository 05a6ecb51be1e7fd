/**
 * Reference of trainer-dropout.wgsl: a step's masks are dropout-mask's for the step's seed, so
 * dropoutMaskRef(rows, columns, rate, stepSeed(seed, step)) gives their bits exactly.
 */
import { pcg } from './pcg-hash.js';

export const stepSeed = (seed: number, step: number): number => pcg((step + pcg(seed >>> 0)) >>> 0);
