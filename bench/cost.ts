/**
 * Serverless cost (bench 3): the measured work of a step (function invocations, SQS requests, handler
 * GB-seconds) priced with the AWS prices in anchors.md, next to an always-on controller (Fargate,
 * doubled for a standby) and Step Functions Standard, with the monthly volume where they break even.
 * The maths is pure (unit-tested); the inputs come from bench/api-cost.ts.
 */
import { round } from './baseline.ts';

/** AWS prices (anchors.md; us-east-1, arm64). */
export const PRICES = {
  lambdaPerRequest: 0.2 / 1e6,
  lambdaPerGbSecond: 0.0000133334,
  sqsFifoPerRequest: 0.5 / 1e6,
  stepFunctionsPerTransition: 25 / 1e6,
  /** Always-on controller per cluster per month, low and high (0.25 vCPU … 1 vCPU/2 GB). */
  fargateMonthly: { low: 9, high: 36 },
} as const;

/** Memory of the functions (MB), as serverless.yml configures them. */
export const FUNCTION_MEMORY_MB = { reconcile: 512, timer: 256, resync: 512 } as const;

/** What one unit of work (a step or a workflow) consumed. */
export interface Usage {
  invocations: number;
  sqsRequests: number;
  /** Billed function time (ms) at `memoryMb`. */
  durationMs: number;
  memoryMb: number;
}

/** Dollars for one unit of `usage`, split by line item. */
export function priceOf(usage: Usage): { lambdaRequests: number; lambdaCompute: number; sqs: number; total: number } {
  const gbSeconds = (usage.durationMs / 1000) * (usage.memoryMb / 1024);
  const lambdaRequests = usage.invocations * PRICES.lambdaPerRequest;
  const lambdaCompute = gbSeconds * PRICES.lambdaPerGbSecond;
  const sqs = usage.sqsRequests * PRICES.sqsFifoPerRequest;
  return { lambdaRequests, lambdaCompute, sqs, total: lambdaRequests + lambdaCompute + sqs };
}

/** Monthly units at which a pay-per-use price equals a fixed monthly price (Infinity if free). */
export function breakEven(monthlyFixed: number, perUnit: number): number {
  return perUnit > 0 ? monthlyFixed / perUnit : Infinity;
}

/** The cost report: per step and per workflow, per million steps, and the comparisons. */
export interface CostFigures {
  perStep: Usage & { gbSeconds: number; dollars: number };
  perOnePodWorkflow: Usage & { gbSeconds: number; dollars: number };
  /** Dollars per million steps, by line item. */
  perMillionSteps: { lambdaRequests: number; lambdaCompute: number; sqs: number; total: number };
  /** Step Functions Standard at one state transition per step (its floor). */
  stepFunctionsPerMillionSteps: number;
  /** Always-on controller per cluster, doubled for a standby ($/month). */
  alwaysOnMonthly: { low: number; high: number };
  /** Steps per month below which Argosy costs less than the always-on controller. */
  breakEvenStepsPerMonth: { low: number; high: number };
  /** Argosy's bill at bursty monthly volumes (steps/month → $). */
  monthlyAt: Record<string, number>;
}

const withGb = (u: Usage) => ({
  ...u,
  invocations: round(u.invocations, 2),
  sqsRequests: round(u.sqsRequests, 2),
  durationMs: round(u.durationMs, 1),
  gbSeconds: round((u.durationMs / 1000) * (u.memoryMb / 1024), 5),
  dollars: round(priceOf(u).total * 1e6, 3) / 1e6,
});

/** Builds the cost report from measured usage per step and per one-pod workflow. */
export function costReport(perStep: Usage, perOnePodWorkflow: Usage): CostFigures {
  const million = priceOf({
    ...perStep,
    invocations: perStep.invocations * 1e6,
    sqsRequests: perStep.sqsRequests * 1e6,
    durationMs: perStep.durationMs * 1e6,
  });
  const perStepDollars = million.total / 1e6;
  const alwaysOnMonthly = { low: PRICES.fargateMonthly.low * 2, high: PRICES.fargateMonthly.high * 2 };
  const monthlyAt: Record<string, number> = {};
  for (const steps of [10_000, 100_000, 1_000_000, 10_000_000])
    monthlyAt[String(steps)] = round(steps * perStepDollars, 2);
  return {
    perStep: withGb(perStep),
    perOnePodWorkflow: withGb(perOnePodWorkflow),
    perMillionSteps: {
      lambdaRequests: round(million.lambdaRequests, 3),
      lambdaCompute: round(million.lambdaCompute, 3),
      sqs: round(million.sqs, 3),
      total: round(million.total, 3),
    },
    stepFunctionsPerMillionSteps: PRICES.stepFunctionsPerTransition * 1e6,
    alwaysOnMonthly,
    breakEvenStepsPerMonth: {
      low: Math.round(breakEven(alwaysOnMonthly.low, perStepDollars)),
      high: Math.round(breakEven(alwaysOnMonthly.high, perStepDollars)),
    },
    monthlyAt,
  };
}
