import type { Command } from 'commander'
export function registerExport(_p: Command): void {}
