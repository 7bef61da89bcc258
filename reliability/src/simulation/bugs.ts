import type { RunOptions } from './run-schedule.js'

/**
 * Bugs planted on purpose, to prove the simulator catches them (the meta-tests): each must make some schedules fail
 * with a seed that replays the failure.
 */
export const PLANTED_BUGS = {
  /** A shell that never arms the client core's timer: deadlines never fire, so calls on a dead path never settle. */
  'clock-never-fires': {
    wrapClock: (clock) => ({ now: clock.now, arm: () => {} }),
  },
  /** A node whose model drops the last chunk of one prompt per session: authenticated and wrong. */
  'wrong-answer': {
    mutatePlan: (plan) => {
      plan.node.wrongAnswerMarker = 'p1 '
    },
  },
  /** A client core that ignores its idle and first-chunk deadlines (given 1,000× the configured ones). */
  'deadline-ignored': {
    clientPlanSeenByClient: (plan) => ({
      ...plan,
      timeouts: {
        ...plan.timeouts,
        firstChunkMs: plan.timeouts.firstChunkMs * 1000,
        idleMs: plan.timeouts.idleMs * 1000,
      },
    }),
  },
} satisfies Record<string, RunOptions>

export type PlantedBug = keyof typeof PLANTED_BUGS

export function isPlantedBug(name: string): name is PlantedBug {
  return Object.hasOwn(PLANTED_BUGS, name)
}
