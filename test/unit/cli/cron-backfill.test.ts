/**
 * `argosy cron backfill`'s pure parts against Argo v4.1: the times of TestCronWorkflowsBackfillCommands
 * (test/e2e/cli_test.go: daily at 2am from "Wed, 21 Oct 2024 15:28:00 GMT"), Go's time.Parse and
 * Time.String words, and what cmd/argo/commands/cron/backfill.go creates.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { scheduleTimes } from '../../../src/cli/commands/cron-backfill.ts';
import { parseGoTime } from '../../../src/engine/expr/go-time-parse.ts';
import { goTimeString } from '../../../src/engine/expr/go-time-value.ts';
import {
  backfillManifest,
  backfillPrefix,
  backfillWorkflow,
  monitorWorkflows,
} from '../../../src/engine/cron/backfill.ts';
import type { CronWorkflow } from '../../../src/engine/cron/decide-cron.ts';

const RFC1123 = 'Mon, 02 Jan 2006 15:04:05 MST';

describe('Go time layouts (time.Parse, Time.String)', () => {
  test('RFC 1123 with an abbreviation: offset 0 in a zone of that name; UTC is UTC; weekday not checked', () => {
    const t = parseGoTime(RFC1123, 'Wed, 21 Oct 2024 15:28:00 GMT');
    assert.equal(t.ms, Date.UTC(2024, 9, 21, 15, 28));
    assert.deepEqual([t.loc.name, t.loc.fixedOffsetMin], ['GMT', 0]);
    assert.equal(goTimeString(t), '2024-10-21 15:28:00 +0000 GMT');
    assert.equal(goTimeString(parseGoTime(RFC1123, 'Mon, 21 Oct 2024 15:28:00 UTC')), '2024-10-21 15:28:00 +0000 UTC');
  });

  test('numeric offsets and other layouts', () => {
    const t = parseGoTime('2006-01-02T15:04:05Z07:00', '2024-10-21T15:28:00+02:00');
    assert.equal(t.ms, Date.UTC(2024, 9, 21, 13, 28));
    assert.equal(goTimeString(t), '2024-10-21 15:28:00 +0200 +0200');
    assert.equal(parseGoTime('2006-01-02', '2024-02-29').ms, Date.UTC(2024, 1, 29));
    assert.equal(parseGoTime('Jan _2 3:04PM 2006', 'Feb  3 1:05PM 2021').ms, Date.UTC(2021, 1, 3, 13, 5));
  });

  test("Go's errors", () => {
    assert.throws(() => parseGoTime(RFC1123, 'yesterday'), {
      message: 'parsing time "yesterday" as "Mon, 02 Jan 2006 15:04:05 MST": cannot parse "yesterday" as "Mon"',
    });
    assert.throws(() => parseGoTime('2006-01-02', '2024-02-30'), {
      message: 'parsing time "2024-02-30": day out of range',
    });
    assert.throws(() => parseGoTime('2006-01-02', '2024-02-03x'), {
      // Go's ParseError.Error(): a Message (extra text, out of range) follows the value alone.
      message: 'parsing time "2024-02-03x": extra text: "x"',
    });
  });
});

describe("Go's time.Parse words and zones (the engine's parser, shared with expr-lang's date())", () => {
  test('a literal that does not match names the whole literal chunk; a space matches a run of spaces', () => {
    assert.throws(() => parseGoTime('2006-01-02 at 15:04', '2024-10-21 on 15:28'), {
      message: 'parsing time "2024-10-21 on 15:28" as "2006-01-02 at 15:04": cannot parse "on 15:28" as " at "',
    });
    assert.equal(parseGoTime('2006-01-02 15:04', '2024-10-21   15:28').ms, Date.UTC(2024, 9, 21, 15, 28));
  });
  test('each field out of range in its own words', () => {
    const cases: [string, string, string][] = [
      ['2006-01-02', '2024-13-01', 'month'],
      ['2006-01-02 15:04', '2024-01-01 24:00', 'hour'],
      ['3:04PM', '13:00PM', 'hour'],
      ['15:04', '12:60', 'minute'],
      ['15:04:05', '12:00:60', 'second'],
      ['Jan 2 2006', 'Feb 29 2023', 'day'],
    ];
    for (const [layout, value, what] of cases)
      assert.throws(() => parseGoTime(layout, value), { message: `parsing time "${value}": ${what} out of range` });
  });
  test('an offset with a zone name keeps the name (FixedZone); offset 0 without one is UTC', () => {
    const t = parseGoTime('2006-01-02 15:04 -0700 MST', '2024-10-21 15:28 +0200 CEST');
    assert.equal(goTimeString(t), '2024-10-21 15:28:00 +0200 CEST');
    assert.equal(
      goTimeString(parseGoTime('2006-01-02 15:04 -0700', '2024-10-21 15:28 +0000')),
      '2024-10-21 15:28:00 +0000 UTC',
    );
    assert.equal(
      goTimeString(parseGoTime('2006-01-02T15:04:05Z07:00', '2024-10-21T15:28:00Z')),
      '2024-10-21 15:28:00 +0000 UTC',
    );
  });
});

describe('cron backfill times (argo: cronTab.Next from --start while not after --end)', () => {
  const start = parseGoTime(RFC1123, 'Wed, 21 Oct 2024 15:28:00 GMT');
  test("argo's e2e windows: none within the hour; three days give three 2am runs", () => {
    assert.deepEqual(scheduleTimes('0 2 * * *', start, parseGoTime(RFC1123, 'Wed, 21 Oct 2024 16:28:00 GMT').ms), []);
    assert.deepEqual(scheduleTimes('0 2 * * *', start, parseGoTime(RFC1123, 'Sat, 24 Oct 2024 15:28:00 GMT').ms), [
      '2024-10-22 02:00:00 +0000 GMT',
      '2024-10-23 02:00:00 +0000 GMT',
      '2024-10-24 02:00:00 +0000 GMT',
    ]);
  });
  test("the schedule runs in --start's zone (argo ignores spec.timezone here); --end is inclusive", () => {
    const plus2 = parseGoTime('2006-01-02 15:04 -0700', '2024-10-21 15:28 +0200');
    assert.deepEqual(scheduleTimes('0 2 * * *', plus2, Date.UTC(2024, 9, 22, 0, 0)), [
      '2024-10-22 02:00:00 +0200 +0200',
    ]);
    assert.deepEqual(scheduleTimes('0 2 * * *', plus2, Date.UTC(2024, 9, 21, 23, 59)), []);
  });
  test('several schedules are one comma-joined string for robfig, which refuses it', () => {
    assert.throws(
      () => scheduleTimes('0 2 * * *,0 3 * * *', start, Date.UTC(2024, 9, 24)),
      /expected exactly 5 fields/,
    );
  });
});

describe('what cron backfill creates', () => {
  const cron: CronWorkflow = {
    metadata: {
      name: 'daily-job',
      uid: 'u-1',
      labels: { 'workflows.argoproj.io/controller-instanceid': 'i1', 'workflows.argoproj.io/creator': 'me' },
    },
    spec: {
      schedules: ['0 2 * * *'],
      workflowSpec: { workflowTemplateRef: { name: 'job' }, arguments: { parameters: [{ name: 'x', value: '1' }] } },
      workflowMetadata: { labels: { team: 'a' }, annotations: { note: 'n' } },
    },
  };
  const now = '2024-10-24T15:30:00Z';

  test('the Workflow per time: ConvertCronWorkflowToWorkflow, backfill prefix, time argument, mutex and priority', () => {
    const wf = backfillWorkflow(cron, { name: 'AbCdE', argName: 'date', parallel: false, now });
    assert.equal(wf.metadata.generateName, 'daily-job-backfill-abcde-');
    // Not the creator labels (argo's ConvertCronWorkflowToWorkflow copies only the instance id).
    assert.deepEqual(wf.metadata.labels, {
      'workflows.argoproj.io/controller-instanceid': 'i1',
      'workflows.argoproj.io/cron-workflow': 'daily-job',
      team: 'a',
    });
    assert.deepEqual(wf.metadata.annotations, { 'workflows.argoproj.io/scheduled-time': now, note: 'n' });
    assert.deepEqual(wf.metadata.ownerReferences, [
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'CronWorkflow',
        name: 'daily-job',
        uid: 'u-1',
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    assert.deepEqual(wf.spec.arguments?.parameters, [
      { name: 'x', value: '1' },
      { name: 'date', value: '{{inputs.parameters.backfillscheduletime}}' },
    ]);
    assert.equal(wf.spec.priority, 2147483647);
    assert.deepEqual(wf.spec.synchronization, { mutexes: [{ name: 'AbCdE' }] });
    const parallel = backfillWorkflow(cron, { name: 'abcde', argName: 'date', parallel: true, now });
    assert.equal(parallel.spec.priority, undefined);
    assert.equal(parallel.spec.synchronization, undefined);
    assert.equal(backfillPrefix('c'.repeat(250), 'abcde').length, 242);
    // The manifest reads back as the same Workflow.
    const manifest = backfillManifest(wf);
    assert.ok(manifest.startsWith('apiVersion: argoproj.io/v1alpha1 \n'));
    assert.deepEqual(parse(manifest), wf);
  });

  test('monitors: backfill-wf-, the backfill label, withParam of the times; len/max+1 of them as argo loops', () => {
    const times = ['t1', 't2', 't3'];
    const [m] = monitorWorkflows('daily-job', 'M', times, 1000);
    assert.equal(m!.metadata.generateName, 'backfill-wf-');
    assert.deepEqual(m!.metadata.labels, { 'workflows.argoproj.io/backfill': 'daily-job' });
    const step = m!.spec.templates![0]!.steps![0]![0]!;
    assert.equal(step.withParam, '["t1","t2","t3"]');
    assert.deepEqual(step.arguments, { parameters: [{ name: 'backfillscheduletime', value: '{{item}}' }] });
    assert.deepEqual(m!.spec.templates![1]!.resource, {
      successCondition: 'status.phase == Succeeded',
      action: 'create',
      manifest: 'M',
    });
    const chunks = (max: number) =>
      monitorWorkflows('c', 'M', times, max).map((w) => w.spec.templates![0]!.steps![0]![0]!.withParam);
    assert.deepEqual(chunks(2), ['["t1","t2"]', '["t3"]']);
    assert.deepEqual(chunks(3), ['["t1","t2","t3"]', '[]']);
  });
});
