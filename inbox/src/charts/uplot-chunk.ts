/** Entry of inbox-charts.js (scripts/build-inbox.js): uPlot for the reports screen. */
import uPlot from 'uplot';
import './global';

window.omnigateUPlot = uPlot;
