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
  /** A client core that ignores its deadlines (given 1,000× the configured ones). */
  'deadline-ignored': {
    clientPlanSeenByClient: (plan) => ({
      ...plan,
      timeouts: {
        connectMs: plan.timeouts.connectMs * 1000,
        ackMs: plan.timeouts.ackMs * 1000,
        firstChunkMs: plan.timeouts.firstChunkMs * 1000,
        idleMs: plan.timeouts.idleMs * 1000,
      },
    }),
  },
  /** A user (or wrapper) that never closes: the SDK's keys stay live — the zeroization check must see them. */
  'never-closed': {
    wrapClient: (client) => ({
      startSession: async (options) => {
        const session = await client.startSession(options)
        return { send: (prompt, o) => session.send(prompt, o), close: async () => {} }
      },
      close: async () => {},
    }),
  },
} satisfies Record<string, RunOptions>

export type PlantedBug = keyof typeof PLANTED_BUGS

export function isPlantedBug(name: string): name is PlantedBug {
  return Object.hasOwn(PLANTED_BUGS, name)
}
