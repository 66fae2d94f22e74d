/**
 * A stage's CloudWatch dashboard, derived from the same alarm and metric definitions the stacks
 * deploy their alarms from: each part of the platform describes itself once as a `DashboardSection`
 * (its alarms and the other graphs an operator reads), the owning stack deploys the section's alarms
 * with `alarmResources`, and `dashboard` draws every section, in the order given, on one screen.
 *
 * Dashboard body reference: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
 */
import {
  ALARM_DEFAULTS,
  type AlarmDefinition,
  alarmArn,
  alarmName,
  isExpressionAlarm,
  type MetricSpec,
} from './alarms';
import { AWS, type Intrinsic, join, type Value } from './cfn/intrinsics';
import { type CfnResource, resource } from './cfn/resource';
import { stagePrefix } from './naming';

/** A metric as a graph draws it. */
export interface GraphMetric extends MetricSpec {
  label: string;
  /** Id for metric math in the same graph (lowercase first letter). */
  id?: string;
  /** Draw against the right axis (a second unit in the same graph). */
  rightAxis?: boolean;
}

/** A horizontal line: a threshold or a limit. */
export interface GraphLine {
  label: string;
  value: number;
}

/** A time-series graph of metrics that no alarm watches (or watches only in part). */
export interface Graph {
  title: string;
  metrics: GraphMetric[];
  /** Metric math drawn from the metrics' ids, e.g. `100 * hits / requests`. */
  expressions?: Array<{ id: string; expression: string; label: string }>;
  lines?: GraphLine[];
  /** Seconds per datapoint. Default: 60. */
  periodSeconds?: number;
}

/** A graph of one of the section's alarms: its metric(s) and threshold, with extra lines if wanted. */
export interface AlarmPanel {
  alarm: string;
  lines?: GraphLine[];
}

export type Panel = Graph | AlarmPanel;

export interface DashboardSection {
  /** Heading on the dashboard, e.g. "Events: queue and consumer". */
  title: string;
  /**
   * Region of the section's metrics. Default: the stack's region. CloudFront publishes its metrics
   * in us-east-1 only, whatever region the distribution's stack is in.
   */
  region?: string;
  /** The section's alarms by logical id, as the owning stack deploys them (`alarmResources`). */
  alarms: Record<string, AlarmDefinition>;
  /** What is drawn, in order. An alarm not placed here is drawn after the panels. */
  panels: Panel[];
}

export interface DashboardOptions {
  stage: string;
  /** Sections in the order they appear, top to bottom. */
  sections: DashboardSection[];
}

/** Raised when a section's panels do not match its alarms: a dashboard must not point at nothing. */
export class DashboardDefinitionError extends Error {
  override name = 'DashboardDefinitionError';
}

/** CloudWatch's grid is 24 columns wide; graphs are 6 x 6 (four a row) and read one datapoint a minute. */
export const DASHBOARD_DEFAULTS = {
  gridWidth: 24,
  panel: { width: 6, height: 6 },
  periodSeconds: 60,
} as const;

const GRID_WIDTH = DASHBOARD_DEFAULTS.gridWidth;
const PANEL = DASHBOARD_DEFAULTS.panel;

const isAlarmPanel = (panel: Panel): panel is AlarmPanel => 'alarm' in panel;

/** `[namespace, metric, dimension, value, ..., { options }]`: CloudWatch's metric row. */
const metricRow = (metric: GraphMetric): unknown[] => [
  metric.namespace,
  metric.metricName,
  ...Object.entries(metric.dimensions).flat(),
  {
    stat: metric.statistic,
    label: metric.label,
    ...(metric.id ? { id: metric.id } : {}),
    ...(metric.rightAxis ? { yAxis: 'right' } : {}),
  },
];

const thresholdLabel = (definition: AlarmDefinition) => {
  const sign = {
    GreaterThanThreshold: '>',
    GreaterThanOrEqualToThreshold: '>=',
    LessThanThreshold: '<',
    LessThanOrEqualToThreshold: '<=',
  }[definition.comparison];
  return `alarm ${sign} ${definition.threshold}`;
};

/** The graph of an alarm: what it reads, at the period it reads it, and its threshold. */
export const alarmGraph = (definition: AlarmDefinition, lines: GraphLine[] = []): Graph => {
  const threshold = { label: thresholdLabel(definition), value: definition.threshold };
  const common = {
    title: definition.title,
    periodSeconds: definition.periodSeconds ?? ALARM_DEFAULTS.periodSeconds,
  };
  if (!isExpressionAlarm(definition)) {
    return {
      ...common,
      metrics: [{ ...definition, label: definition.metricName }],
      lines: [threshold, ...lines],
    };
  }
  return {
    ...common,
    metrics: Object.entries(definition.metrics).map(([id, metric]) => ({ ...metric, id, label: id })),
    expressions: [{ id: 'expression', expression: definition.expression, label: definition.label }],
    lines: [threshold, ...lines],
  };
};

/** The section's graphs in order: its panels, then any alarm the panels do not draw. */
export const sectionGraphs = (section: DashboardSection): Graph[] => {
  const drawn = new Set<string>();
  const graphs = section.panels.map((panel) => {
    if (!isAlarmPanel(panel)) return panel;
    const definition = section.alarms[panel.alarm];
    if (!definition)
      throw new DashboardDefinitionError(
        `dashboard section "${section.title}" draws alarm "${panel.alarm}", which the section does not define (it defines: ${Object.keys(section.alarms).join(', ') || 'none'})`,
      );
    drawn.add(panel.alarm);
    return alarmGraph(definition, panel.lines);
  });
  const rest = Object.entries(section.alarms).filter(([id]) => !drawn.has(id));
  return [...graphs, ...rest.map(([, definition]) => alarmGraph(definition))];
};

interface Widget {
  type: 'metric' | 'text' | 'alarm';
  width: number;
  height: number;
  properties: Record<string, unknown>;
}

const metricWidget = (graph: Graph, region: Value<string>): Widget => ({
  type: 'metric',
  ...PANEL,
  properties: {
    title: graph.title,
    view: 'timeSeries',
    stacked: false,
    region,
    period: graph.periodSeconds ?? DASHBOARD_DEFAULTS.periodSeconds,
    metrics: [
      ...graph.metrics.map(metricRow),
      ...(graph.expressions ?? []).map((expression) => [expression]),
    ],
    ...(graph.lines?.length ? { annotations: { horizontal: graph.lines } } : {}),
  },
});

/** Widgets placed left to right, top to bottom, on CloudWatch's 24-column grid. */
const placed = (widgets: Widget[]) => {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return widgets.map((widget) => {
    if (x + widget.width > GRID_WIDTH) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const at = { ...widget, x, y };
    x += widget.width;
    rowHeight = Math.max(rowHeight, widget.height);
    return at;
  });
};

const isIntrinsic = (value: unknown): value is Intrinsic => {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || Boolean(keys[0]?.startsWith('Fn::')));
};

/**
 * JSON text of a value whose strings may be intrinsics (`Ref`, `Fn::GetAtt`, `Fn::Sub`), as one
 * `Fn::Join`: CloudFormation resolves the intrinsics and the result is the JSON with their values.
 */
export const jsonWithIntrinsics = (value: unknown): Value<string> => {
  const intrinsics: Intrinsic[] = [];
  const marker = (index: number) => `\u0000${index}\u0000`;
  const text = JSON.stringify(value, (_key, nested: unknown) => {
    if (!isIntrinsic(nested)) return nested;
    intrinsics.push(nested);
    return marker(intrinsics.length - 1);
  });
  if (intrinsics.length === 0) return text;
  // JSON.stringify escapes U+0000 as \u0000, so the markers are found in their escaped form.
  const parts = text.split(/\\u0000(\d+)\\u0000/);
  return join(
    '',
    parts
      .map((part, index) => (index % 2 === 1 ? intrinsics[Number(part)] : part))
      .filter((part) => part !== ''),
  );
};

/** Every alarm of the sections, by logical id: the alarm-status widget shows each. */
export const dashboardAlarmNames = (options: DashboardOptions): string[] =>
  options.sections.flatMap((section) =>
    Object.keys(section.alarms).map((id) => alarmName(options.stage, id)),
  );

/**
 * The stage's dashboard `game-<stage>`: the state of every alarm first (the question "is it
 * healthy?"), then one row of graphs per section, in the order the sections are given.
 */
export const dashboard = (options: DashboardOptions): CfnResource<'AWS::CloudWatch::Dashboard'> => {
  const alarmNames = dashboardAlarmNames(options);
  const widgets: Widget[] = [
    {
      type: 'alarm',
      width: GRID_WIDTH,
      height: 2 + Math.ceil(alarmNames.length / 4),
      properties: {
        title: `Every alarm of stage ${options.stage}`,
        alarms: alarmNames.map(alarmArn),
        sortBy: 'stateUpdatedTimestamp',
      },
    },
    ...options.sections.flatMap((section): Widget[] => [
      { type: 'text', width: GRID_WIDTH, height: 1, properties: { markdown: `## ${section.title}` } },
      ...sectionGraphs(section).map((graph) => metricWidget(graph, section.region ?? AWS.region)),
    ]),
  ];
  return resource('AWS::CloudWatch::Dashboard', {
    DashboardName: stagePrefix(options.stage),
    DashboardBody: jsonWithIntrinsics({ widgets: placed(widgets) }),
  });
};
