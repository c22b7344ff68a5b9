/**
 * Who gets the next conversation, among agents who are online and below their cap.
 *  - round_robin: the one assigned least recently (never-assigned first), so work rotates;
 *  - least_busy: the one with the fewest open conversations (ties: least recently assigned).
 * Pure, so the rule is tested on its own.
 */
export type RoutingMode = 'round_robin' | 'least_busy' | 'manual';

export interface Candidate {
  agentId: number;
  open: number;
  cap: number;
  lastAssignedAt: number;
}

export function pickAgent(candidates: readonly Candidate[], mode: RoutingMode): number | null {
  if (mode === 'manual') return null;
  const available = candidates.filter((c) => c.open < c.cap);
  if (available.length === 0) return null;
  const byRotation = (a: Candidate, b: Candidate) => a.lastAssignedAt - b.lastAssignedAt || a.agentId - b.agentId;
  const sorted = [...available].sort(mode === 'least_busy' ? (a, b) => a.open - b.open || byRotation(a, b) : byRotation);
  return sorted[0]!.agentId;
}
