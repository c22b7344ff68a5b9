/** Types of log-scan.js (plain JavaScript: the summary reporter runs it outside jest's transform). */
export interface SecretRegistry {
  literals: { name: string; value: string }[];
  patterns: { name: string; regex: RegExp }[];
}
export interface ScanResult {
  files: number;
  lines: number;
  bytes: number;
  leaks: { secret: string; hint: string; file: string; line: number }[];
  leakCount: number;
}
export function loadRegistry(file?: string): SecretRegistry;
export function scanLogs(dir: string | undefined, registry?: SecretRegistry, maxLeaks?: number): ScanResult;
export function hint(value: string): string;
