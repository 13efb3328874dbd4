/**
 * What one effect module declares, and the helper that turns a declaration into what machines
 * and the case host use. Pure data and types: no I/O and no Temporal here (machines import it).
 */
import { z } from 'zod';

/** A duration as Temporal reads it ('30 seconds', '3 days'), kept as plain text so machines need no Temporal types. */
export type DeliveryDuration = `${number} ${'second' | 'seconds' | 'minute' | 'minutes' | 'hour' | 'hours' | 'day' | 'days'}`;

/**
 * How long and how often the case host tries to carry out an effect: the activity's timeouts and
 * retries. Input the activity refuses is never retried (workflows/activity-errors.ts).
 */
export interface DeliveryPolicy {
  /** The longest one attempt may take. */
  attemptTimeout: DeliveryDuration;
  /** After this, counted from when the effect was issued, the case records it as not carried out. */
  giveUpAfter: DeliveryDuration;
  retry: {
    initialInterval: DeliveryDuration;
    backoffCoefficient: number;
    maximumInterval: DeliveryDuration;
  };
}

/** The policy of a message: retried with backoff for three days, then recorded on the case as failed. */
export const messageDelivery: DeliveryPolicy = {
  attemptTimeout: '1 minute',
  giveUpAfter: '3 days',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '1 hour' },
};

/**
 * One effect as its module declares it. Its parameters are always named fields, given here one
 * schema per field; the definition holds them as one zod object.
 */
export interface EffectDeclaration<N extends string, P extends z.ZodRawShape> {
  /** The action type machines use and the activity's name. */
  name: N;
  /** The effect's parameters, field by field: machines are typed by them, the activity validates its input with them. */
  params: P;
  /** What the effect is, in Norwegian, as the case's timeline shows it ("melding til foresatte"). */
  label: string;
  /** How the case host carries it out; a message's policy (`messageDelivery`) unless the effect sets its own. */
  delivery?: DeliveryPolicy;
}

/** An effect definition: the declaration with its parameters as one schema, plus the action creator and the empty action machines register. */
export interface EffectDefinition<N extends string = string, S extends z.ZodType = z.ZodType> {
  /** The action type machines use and the activity's name. */
  name: N;
  /** The effect's parameters: machines are typed by it, the activity validates its input with it. */
  params: S;
  /** What the effect is, in Norwegian, as the case's timeline shows it ("melding til foresatte"). */
  label: string;
  delivery: DeliveryPolicy;
  /** A typed action for a machine's `entry`, `actions` or `enqueue(...)`: `{ type: name, params }`. */
  action(params: z.infer<S>): { type: N; params: z.infer<S> };
  /**
   * The action's implementation for `setup({ actions })`: empty, because executing an effect is
   * the host's job, and keeping it empty is what keeps machines pure.
   */
  declared(args: unknown, params: z.infer<S>): void;
}

export function defineEffect<const N extends string, P extends z.ZodRawShape>(
  declaration: EffectDeclaration<N, P>,
): EffectDefinition<N, z.ZodObject<P>> {
  return {
    name: declaration.name,
    params: z.object(declaration.params),
    label: declaration.label,
    delivery: declaration.delivery ?? messageDelivery,
    action: (params) => ({ type: declaration.name, params }),
    declared: () => undefined,
  };
}
