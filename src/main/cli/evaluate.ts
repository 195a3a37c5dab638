import type { Command } from 'commander'
export function registerEval(_p: Command): void {}
