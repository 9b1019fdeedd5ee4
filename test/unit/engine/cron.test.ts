/**
 * CronWorkflow schedules (robfig/cron's standard syntax as Argo uses it) and the pure cron decision:
 * deterministic child names, on-time vs missed runs and startingDeadlineSeconds, concurrency policies,
 * history limits, suspend, when and stopStrategy.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CronParseError, lastRunBetween, nextRun, parseSchedule } from '../../../src/engine/cron/schedule.ts';
import { decideCron, statusWithRun, type CronWorkflow } from '../../../src/engine/cron/decide-cron.ts';
import type { Workflow } from '../../../src/engine/types.ts';
import { cronProblems } from '../../../src/engine/cron/validate-cron.ts';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('cron schedules', () => {
  test('every minute, ranges, steps, lists and names', () => {
    assert.equal(iso(nextRun(parseSchedule('* * * * *'), at('2026-01-02T03:04:05Z'))), '2026-01-02T03:05:00.000Z');
    assert.equal(
      iso(nextRun(parseSchedule('*/15 9-17 * * MON-FRI'), at('2026-01-02T17:50:00Z'))),
      '2026-01-05T09:00:00.000Z',
    );
    assert.equal(
      iso(nextRun(parseSchedule('0 0 1 jan,jul *'), at('2026-02-01T00:00:00Z'))),
      '2026-07-01T00:00:00.000Z',
    );
    assert.equal(iso(nextRun(parseSchedule('@hourly'), at('2026-01-02T03:04:05Z'))), '2026-01-02T04:00:00.000Z');
  });

  test('day-of-month and day-of-week: either when both are restricted, both when one is *', () => {
    // 2026-01-02 is a Friday; the 13th of January 2026 a Tuesday.
    assert.equal(iso(nextRun(parseSchedule('0 0 13 * 5'), at('2026-01-02T01:00:00Z'))), '2026-01-09T00:00:00.000Z');
    assert.equal(iso(nextRun(parseSchedule('0 0 13 * *'), at('2026-01-02T01:00:00Z'))), '2026-01-13T00:00:00.000Z');
  });

  test('CRON_TZ: minutes counted in the zone (Los Angeles is UTC-8 in January)', () => {
    const s = parseSchedule('CRON_TZ=America/Los_Angeles 0 9 * * *');
    assert.equal(iso(nextRun(s, at('2026-01-02T00:00:00Z'))), '2026-01-02T17:00:00.000Z');
  });

  test('errors name the problem', () => {
    assert.throws(() => parseSchedule('* * *'), CronParseError);
    assert.throws(() => parseSchedule('61 * * * *'), /beyond end of range/);
    assert.throws(() => parseSchedule('CRON_TZ=Mars/Base * * * * *'), /unknown time zone/);
  });

  test('lastRunBetween gives the newest due instant', () => {
    const s = parseSchedule('*/5 * * * *');
    assert.equal(
      iso(lastRunBetween(s, at('2026-01-02T03:00:00Z'), at('2026-01-02T03:17:00Z'))),
      '2026-01-02T03:15:00.000Z',
    );
  });
});

function cron(spec: Partial<CronWorkflow['spec']> = {}, status: CronWorkflow['status'] = {}): CronWorkflow {
  return {
    metadata: { name: 'c', namespace: 'argo', uid: 'u1', creationTimestamp: '2026-01-02T03:00:00Z' },
    spec: {
      schedules: ['* * * * *'],
      workflowSpec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'busybox' } }] },
      ...spec,
    },
    status,
  };
}

const child = (name: string, phase: string, finishedAt?: string): Workflow => ({
  metadata: { name, namespace: 'argo' },
  spec: {},
  status: { phase: phase as never, ...(finishedAt ? { finishedAt } : {}) },
});

describe('decideCron', () => {
  test('an on-time run: Argo name, labels, owner reference, scheduled-time annotation', () => {
    const d = decideCron(cron(), [], at('2026-01-02T03:05:20Z'), 60);
    const wf = d.create;
    assert.ok(wf);
    assert.equal(wf.metadata.name, `c-${at('2026-01-02T03:05:00Z') / 1000}`);
    assert.equal(wf.metadata.labels?.['workflows.argoproj.io/cron-workflow'], 'c');
    assert.equal(wf.metadata.annotations?.['workflows.argoproj.io/scheduled-time'], '2026-01-02T03:05:00Z');
    assert.deepEqual(wf.metadata.ownerReferences?.[0], {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'CronWorkflow',
      name: 'c',
      uid: 'u1',
      controller: true,
      blockOwnerDeletion: true,
    });
    const status = statusWithRun(d, { ...wf, metadata: { ...wf.metadata, uid: 'w1' } });
    assert.equal(status.lastScheduledTime, '2026-01-02T03:05:00Z');
    assert.equal(status.active?.[0]?.uid, 'w1');
    assert.equal(iso(d.nextAtMs), '2026-01-02T03:06:00.000Z');
  });

  test('evaluated again for the same time: same name (never two runs); after lastScheduledTime nothing', () => {
    const now = at('2026-01-02T03:05:40Z');
    const a = decideCron(cron(), [], now, 60).create?.metadata.name;
    const b = decideCron(cron(), [], now + 5000, 60).create?.metadata.name;
    assert.equal(a, b);
    const done = decideCron(cron({}, { lastScheduledTime: '2026-01-02T03:05:00Z' }), [], now, 60);
    assert.equal(done.create, undefined);
  });

  test('a missed run starts only within startingDeadlineSeconds', () => {
    const late = at('2026-01-02T03:10:30Z');
    const status = { lastScheduledTime: '2026-01-02T03:00:00Z' };
    const hourly = { schedules: ['0 * * * *'] };
    assert.equal(
      decideCron(cron({ ...hourly, startingDeadlineSeconds: 0 }, status), [], at('2026-01-02T04:10:30Z'), 60).create,
      undefined,
    );
    const within = decideCron(
      cron({ ...hourly, startingDeadlineSeconds: 900 }, status),
      [],
      at('2026-01-02T04:10:30Z'),
      60,
    );
    assert.equal(within.create?.metadata.annotations?.['workflows.argoproj.io/scheduled-time'], '2026-01-02T04:00:00Z');
    assert.ok(late);
  });

  test('Forbid skips while one runs; Replace terminates it; Allow runs alongside', () => {
    const status = { active: [{ name: 'c-1' }], lastScheduledTime: '2026-01-02T03:04:00Z' };
    const running = [child('c-1', 'Running')];
    const now = at('2026-01-02T03:05:10Z');
    assert.equal(decideCron(cron({ concurrencyPolicy: 'Forbid' }, status), running, now, 60).create, undefined);
    const r = decideCron(cron({ concurrencyPolicy: 'Replace' }, status), running, now, 60);
    assert.deepEqual(r.terminate, ['c-1']);
    assert.ok(r.create);
    assert.ok(decideCron(cron({ concurrencyPolicy: 'Allow' }, status), running, now, 60).create);
  });

  test('finished runs leave active and are counted once; history limits delete the oldest', () => {
    const status = { active: [{ name: 'a' }, { name: 'b' }], lastScheduledTime: '2026-01-02T03:05:00Z' };
    const wfs = [
      child('a', 'Succeeded', '2026-01-02T03:01:00Z'),
      child('b', 'Failed', '2026-01-02T03:02:00Z'),
      child('old-fail', 'Error', '2026-01-02T02:00:00Z'),
    ];
    const d = decideCron(cron({}, status), wfs, at('2026-01-02T03:05:30Z'), 60);
    assert.deepEqual(d.status.active, []);
    assert.equal(d.status.succeeded, 1);
    assert.equal(d.status.failed, 1);
    assert.deepEqual(d.delete, ['old-fail']);
  });

  test('suspend, when and stopStrategy', () => {
    const now = at('2026-01-02T03:05:10Z');
    assert.equal(decideCron(cron({ suspend: true }), [], now, 60).create, undefined);
    assert.equal(decideCron(cron({ when: '{{cronworkflow.failed}} > 0' }), [], now, 60).create, undefined);
    assert.ok(decideCron(cron({ when: '{{cronworkflow.failed}} == 0' }), [], now, 60).create);
    const stopped = decideCron(
      cron({ stopStrategy: { expression: 'cronworkflow.succeeded >= 2' } }, { succeeded: 2 }),
      [],
      now,
      60,
    );
    assert.equal(stopped.status.phase, 'Stopped');
    assert.equal(stopped.labels['workflows.argoproj.io/cron-workflow-completed'], 'true');
    assert.equal(stopped.create, undefined);
  });

  test("`when` with now() and lastScheduledTime: Argo's TestEvaluateWhen cases, the clock passed in", () => {
    const now = at('2026-01-02T03:05:10Z');
    const runs = (when: string, lastScheduledTime?: string) =>
      decideCron(cron({ when }, lastScheduledTime ? { lastScheduledTime } : {}), [], now, 60).create !== undefined;
    const last = '2026-01-02T03:04:00Z';
    const orSeconds =
      '{{= cronworkflow.lastScheduledTime == nil || ( (now() - cronworkflow.lastScheduledTime).Seconds() > 30) }}';
    assert.equal(runs(orSeconds, last), true);
    const andSeconds =
      '{{= cronworkflow.lastScheduledTime == nil && ( (now() - cronworkflow.lastScheduledTime).Seconds() < 30) }}';
    assert.equal(runs(andSeconds, last), false);
    assert.equal(runs('{{= cronworkflow.lastScheduledTime != nil }}', last), true);
    assert.equal(runs('{{= cronworkflow.lastScheduledTime == nil }}'), true);
    const thirtyAgo = '2026-01-02T02:35:10Z';
    assert.equal(runs('{{= (now() - cronworkflow.lastScheduledTime).Minutes() >= 30 }}', thirtyAgo), true);
    assert.equal(runs('{{= (now() - cronworkflow.lastScheduledTime).Minutes() <  50 }}', thirtyAgo), true);
    assert.equal(runs('{{= now().Hour() == 3 }}'), true);
    assert.equal(runs('{{= now().Hour() == 4 }}'), false);
  });

  test('a `when` whose expression fails is a SubmissionError (run policy error), nothing runs', () => {
    const d = decideCron(
      cron({ when: '{{= (now() - cronworkflow.lastScheduledTime).Seconds() > 1 }}' }),
      [],
      at('2026-01-02T03:05:10Z'),
      60,
    );
    assert.equal(d.create, undefined);
    const condition = d.status.conditions?.find((c) => c.type === 'SubmissionError');
    assert.match(
      condition?.message ?? '',
      /^run policy error: failed to evaluate expression: invalid operation: time.Time - <nil>/,
    );
  });

  test("cron-when.yaml over 14 minutes of ticks: runs at the first tick, then when 6 minutes have passed (Argo's `> 360`)", () => {
    const given = cron({
      schedules: ['* * * * *'],
      when: '{{= cronworkflow.lastScheduledTime == nil || (now() - cronworkflow.lastScheduledTime).Seconds() > 360 }}',
    });
    let status: CronWorkflow['status'] = {};
    const ran: string[] = [];
    // The handler evaluates a little after each tick (Argo's robfig runs at the tick; now() is just after).
    for (let minute = 1; minute <= 14; minute++) {
      const tick = at('2026-01-02T03:00:00Z') + minute * 60_000;
      const d = decideCron({ ...given, status }, [], tick + 2000, 60);
      status = d.status;
      if (d.create) {
        ran.push(new Date(tick).toISOString().slice(11, 16));
        status = statusWithRun(d, { ...d.create, metadata: { ...d.create.metadata, uid: `u${minute}` } });
      }
    }
    assert.deepEqual(ran, ['03:01', '03:07', '03:13']);
  });

  test('a bad schedule is a SpecError condition, nothing runs', () => {
    const d = decideCron(cron({ schedules: ['nope'] }), [], at('2026-01-02T03:05:10Z'), 60);
    assert.equal(d.create, undefined);
    assert.match(d.status.conditions?.[0]?.message ?? '', /expected exactly 5 fields/);
  });
});

describe('cronProblems (Argo validate.CronWorkflow)', () => {
  const valid = (spec: Partial<CronWorkflow['spec']> = {}, name = 'my-cron-wf'): CronWorkflow => ({
    metadata: { name },
    spec: {
      schedules: ['0 * * * *'],
      workflowSpec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'busybox' } }] },
      ...spec,
    },
  });

  test('valid: minute fields, descriptors and @every as robfig accepts, IANA zones, the three policies', () => {
    for (const schedules of [['*/5 * * * 1-5'], ['@hourly', '@every 90s', '@daily'], ['0 2 * * SUN']])
      assert.deepEqual(cronProblems(valid({ schedules })), [], schedules.join(','));
    for (const concurrencyPolicy of ['Allow', 'Forbid', 'Replace'] as const)
      assert.deepEqual(cronProblems(valid({ concurrencyPolicy, timezone: 'America/Los_Angeles' })), []);
    assert.deepEqual(cronProblems(valid({ startingDeadlineSeconds: 0 })), []);
  });

  test("Argo's messages: name length, no schedule, malformed schedule, timezone, policy, deadline, workflow", () => {
    // validate_test.go TestMaxLengthName and TestCronWorkflowInvalidTimezoneRejected.
    assert.deepEqual(cronProblems(valid({}, 'a'.repeat(60))), [
      `cron workflow name "${'a'.repeat(60)}" must not be more than 52 characters long (currently 60)`,
    ]);
    assert.deepEqual(cronProblems(valid({ timezone: 'Not/A_Real_Timezone' })), [
      'invalid timezone "Not/A_Real_Timezone": unknown time zone Not/A_Real_Timezone',
    ]);
    assert.deepEqual(cronProblems(valid({ schedules: [] })), ['cron workflow must have at least one schedule']);
    const [bad] = cronProblems(valid({ schedules: ['61 * * * *'] }));
    assert.match(bad ?? '', /^cron schedule 61 \* \* \* \* is malformed: /);
    assert.match(cronProblems(valid({ schedules: ['@every'] }))[0] ?? '', /^cron schedule @every is malformed/);
    assert.deepEqual(cronProblems(valid({ concurrencyPolicy: 'Sometimes' as 'Allow' })), [
      "'Sometimes' is not a valid concurrencyPolicy",
    ]);
    assert.deepEqual(cronProblems(valid({ startingDeadlineSeconds: -1 })), [
      'startingDeadlineSeconds must be positive',
    ]);
    const wf = cronProblems(
      valid({ workflowSpec: { entrypoint: 'nope', templates: valid().spec.workflowSpec.templates } }),
    );
    assert.equal(wf.length, 1);
    assert.match(wf[0] ?? '', /^cannot validate Workflow: .*nope/);
  });
});
