/**
 * The dashboard builder on its own: intrinsics inside the body become one `Fn::Join` whose parts
 * rebuild the JSON, every alarm of a section is drawn (placed or appended) with its threshold, a
 * panel naming an alarm the section does not define is refused, and the alarm-status widget names
 * every alarm by the ARN its stack gives it.
 */
import { describe, expect, it } from 'vitest';
import {
  type AlarmDefinition,
  alarmName,
  alarmResources,
  type DashboardSection,
  dashboard,
  jsonWithIntrinsics,
  ref,
  sectionGraphs,
} from '../src';

const cpu: AlarmDefinition = {
  title: 'CPU (%)',
  description: 'CPU high',
  namespace: 'AWS/ECS',
  metricName: 'CPUUtilization',
  dimensions: { ClusterName: ref('Cluster') },
  statistic: 'Average',
  comparison: 'GreaterThanThreshold',
  threshold: 85,
};
const missing: AlarmDefinition = {
  title: 'Tasks missing',
  description: 'fewer tasks than desired',
  metrics: {
    desired: { ...cpu, metricName: 'DesiredTaskCount', namespace: 'ECS/ContainerInsights' },
    running: { ...cpu, metricName: 'RunningTaskCount', namespace: 'ECS/ContainerInsights' },
  },
  expression: 'desired - running',
  label: 'missing',
  comparison: 'GreaterThanThreshold',
  threshold: 0,
  periodSeconds: 60,
  evaluationPeriods: 5,
};

const section: DashboardSection = {
  title: 'Engine',
  alarms: { EngineCpuAlarm: cpu, EngineTasksAlarm: missing },
  panels: [
    {
      title: 'Requests',
      metrics: [{ ...cpu, metricName: 'RequestCount', statistic: 'Sum', label: 'requests' }],
    },
    { alarm: 'EngineTasksAlarm' },
  ],
};

/** The body with each intrinsic written as its JSON, so it can be parsed back. */
const rendered = (body: unknown): string => {
  if (typeof body === 'string') return body;
  const [, parts] = (body as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return parts
    .map((part) => (typeof part === 'string' ? part : `@${JSON.stringify(part).replaceAll('"', "'")}@`))
    .join('');
};

describe('jsonWithIntrinsics', () => {
  it('keeps plain JSON a string', () => {
    expect(jsonWithIntrinsics({ a: [1, 'b'] })).toBe('{"a":[1,"b"]}');
  });

  it('joins literal JSON around each intrinsic, in place of the string it resolves to', () => {
    expect(jsonWithIntrinsics({ cluster: ref('Cluster'), region: { Ref: 'AWS::Region' } })).toEqual({
      'Fn::Join': ['', ['{"cluster":"', { Ref: 'Cluster' }, '","region":"', { Ref: 'AWS::Region' }, '"}']],
    });
  });
});

describe('sectionGraphs', () => {
  it('draws the panels in order, then the alarms no panel placed, each with its threshold', () => {
    // Act
    const graphs = sectionGraphs(section);

    // Assess
    expect(graphs.map((graph) => graph.title)).toEqual(['Requests', 'Tasks missing', 'CPU (%)']);
    expect(graphs[1]).toMatchObject({
      metrics: [
        { metricName: 'DesiredTaskCount', id: 'desired' },
        { metricName: 'RunningTaskCount', id: 'running' },
      ],
      expressions: [{ id: 'expression', expression: 'desired - running' }],
      lines: [{ label: 'alarm > 0', value: 0 }],
    });
    expect(graphs[2]?.lines).toEqual([{ label: 'alarm > 85', value: 85 }]);
  });

  it('refuses a panel that names an alarm the section does not define', () => {
    expect(() => sectionGraphs({ ...section, panels: [{ alarm: 'EngineMemoryAlarm' }] })).toThrow(
      'dashboard section "Engine" draws alarm "EngineMemoryAlarm", which the section does not define (it defines: EngineCpuAlarm, EngineTasksAlarm)',
    );
  });
});

describe('dashboard and alarmResources', () => {
  it('names each alarm game-<stage>-<id>, and shows exactly those on the alarm-status widget', () => {
    // Act
    const alarms = alarmResources(section.alarms, { stage: 'dev', topicArn: 'arn:aws:sns:eu-west-1:1:t' });
    const board = dashboard({ stage: 'dev', sections: [section] });

    // Assess
    expect(Object.values(alarms).map((a) => a.Properties.AlarmName)).toEqual([
      alarmName('dev', 'EngineCpuAlarm'),
      alarmName('dev', 'EngineTasksAlarm'),
    ]);
    expect(alarms.EngineTasksAlarm?.Properties).toMatchObject({
      AlarmActions: ['arn:aws:sns:eu-west-1:1:t'],
      OKActions: ['arn:aws:sns:eu-west-1:1:t'],
      Metrics: [{ Id: 'desired' }, { Id: 'running' }, { Id: 'expression', ReturnData: true }],
    });
    const body = rendered(board.Properties.DashboardBody);
    for (const id of ['EngineCpuAlarm', 'EngineTasksAlarm'])
      expect(body).toContain(
        `@{'Fn::Sub':'arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:game-dev-${id}'}@`,
      );
    expect(board.Properties.DashboardName).toBe('game-dev');
  });

  it('places widgets on the 24-column grid: status first, a heading per section, graphs four to a row', () => {
    const board = dashboard({ stage: 'dev', sections: [section, { ...section, title: 'Again' }] });
    const body = rendered(board.Properties.DashboardBody).replace(/@[^@]*@/g, 'x');
    const widgets = (
      JSON.parse(body) as { widgets: Array<{ type: string; x: number; y: number; width: number }> }
    ).widgets;
    expect(widgets.map((w) => [w.type, w.x, w.y])).toEqual([
      ['alarm', 0, 0],
      ['text', 0, 3],
      ['metric', 0, 4],
      ['metric', 6, 4],
      ['metric', 12, 4],
      ['text', 0, 10],
      ['metric', 0, 11],
      ['metric', 6, 11],
      ['metric', 12, 11],
    ]);
  });
});
