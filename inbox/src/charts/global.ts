/**
 * The chart library lives in its own bundle (inbox-charts.js, built from uplot-chunk.ts),
 * loaded by the reports screen only, so agents never download it. That bundle hands
 * uPlot over through this window property.
 */
import type uPlot from 'uplot';

declare global {
  interface Window {
    omnigateUPlot?: typeof uPlot;
  }
}

export type UPlot = typeof uPlot;
