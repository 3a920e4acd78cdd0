import { BarChart, HeatmapChart, LineChart, PieChart, TreemapChart } from 'echarts/charts';
import { CalendarComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { h } from './ui';

echarts.use([
  TreemapChart,
  BarChart,
  LineChart,
  PieChart,
  HeatmapChart,
  CalendarComponent,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

export type ChartOption = echarts.EChartsCoreOption;

/**
 * A chart in a box that follows its size (laptop or phone). Tooltips render on the canvas
 * (richText), so the page's CSP needs no inline styles. data-signature is what the chart shows,
 * in a line: tests compare it before and after a filter.
 */
export function chart(option: ChartOption, signature: string, onLeave: (cleanup: () => void) => void, className = 'chart'): HTMLElement {
  const box = h('div', { class: className, 'data-signature': signature, role: 'img' });
  const instance = echarts.init(box, undefined, { renderer: 'canvas' });
  instance.setOption({ tooltip: { renderMode: 'richText', confine: true }, animationDuration: 300, ...option });
  const observer = new ResizeObserver(() => instance.resize());
  observer.observe(box);
  onLeave(() => {
    observer.disconnect();
    instance.dispose();
  });
  return box;
}

/** Runs after the box is in the document (ECharts needs a size). */
export function attachChart(
  container: HTMLElement,
  option: ChartOption,
  signature: string,
  onLeave: (cleanup: () => void) => void,
  onClick?: (params: { data?: unknown; name?: string }) => void,
  className = 'chart',
): HTMLElement {
  const box = chart(option, signature, onLeave, className);
  container.append(box);
  const instance = echarts.getInstanceByDom(box);
  instance?.resize();
  if (onClick) instance?.on('click', (params) => onClick(params as { data?: unknown; name?: string }));
  return box;
}

export const palette = ['#ff9d00', '#6b7cff', '#16a34a', '#e11d48', '#0ea5e9', '#a855f7', '#f59e0b', '#14b8a6', '#64748b', '#db2777'];
